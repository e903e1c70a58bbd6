using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Gateway.Tests;

/// <summary>A real Prometheus scraping a node process every second, read back through Prometheus's own query API.</summary>
public sealed class PrometheusScrapeSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_counts_exactly_the_orders_a_node_completed()
    {
        await using var node = await GatewayProcess.StartFreshAsync();
        await using var prometheus = await PrometheusServer.StartAsync([$"127.0.0.1:{node.HttpPort}"]);
        try
        {
            await Poll.UntilAsync(() => prometheus.ScalarAsync("up{job=\"orders\"}"), up => up == 1, "prometheus never scraped the node", TimeSpan.FromSeconds(30));

            var modes = new[] { ResponseMode.Accepted, ResponseMode.Hybrid, ResponseMode.Sync };
            var ids = new List<string>();
            for (var i = 0; i < 12; i++)
                ids.Add((await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: modes[i % modes.Length]))).Order.OrderId);
            var declinedId = (await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid, token: "tok_decline_prometheus"))).Order.OrderId;
            foreach (var id in ids.Append(declinedId)) await WaitForTerminalAsync(node, id);

            // The last scrape may predate the last order's end: read until one scrape has every order's outcome.
            var (completed, declined) = await Poll.UntilAsync(async () => (await prometheus.ScalarAsync("sum(orders_completed_total)"), await prometheus.ScalarAsync("sum(orders_declined_total)")),
                c => c.Item1 >= ids.Count && c.Item2 >= 1, $"prometheus never saw {ids.Count} completed orders and 1 declined", TimeSpan.FromSeconds(30));
            Assert.Equal<double?>(ids.Count, completed);
            Assert.Equal<double?>(1, declined);
            Assert.Equal(4, await prometheus.ScalarAsync("sum(orders_completed_total{order_mode=\"sync\"})"));
            Assert.Equal(13, await prometheus.ScalarAsync("sum(orders_placed_total)"));
            Assert.Equal(13, await prometheus.ScalarAsync("sum(orders_client_duration_seconds_count)"));
            var p99 = await prometheus.ScalarAsync("histogram_quantile(0.99, sum by (le) (orders_completion_duration_seconds_bucket))");
            Assert.True(p99 is > 0, $"no completion-time quantile: {p99}");
        }
        catch
        {
            output.WriteLine(prometheus.Log);
            output.WriteLine(node.Log);
            throw;
        }
    }

    [Fact]
    public async Task Prometheus_sees_an_email_outage_back_off_and_park_steps_and_the_parked_gauge_fall_to_0_after_the_replay()
    {
        // Three attempts per step so parking takes seconds; a tripped supervisor backs off 8 s, so several scrapes see it.
        await using var node = await GatewayProcess.StartFreshAsync(
            "--Orders:Order:StepAttempts=3", "--Orders:Supervision:MinBackoff=00:00:08", "--Orders:Supervision:MaxBackoff=00:00:08");
        await using var prometheus = await PrometheusServer.StartAsync([$"127.0.0.1:{node.HttpPort}"]);
        var grpc = node.GrpcAddress;
        try
        {
            await Poll.UntilAsync(() => prometheus.ScalarAsync("up{job=\"orders\"}"), up => up == 1, "prometheus never scraped the node", TimeSpan.FromSeconds(30));
            Assert.Equal(0, (await OrdersCli.RunAsync(grpc, "faults", "set", "email", "--outage", "10m")).ExitCode);
            var ids = new List<string>();
            for (var i = 0; i < 10; i++) ids.Add((await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted))).Order.OrderId);

            await Poll.UntilAsync(() => prometheus.ScalarAsync("max(orders_service_backing_off{service=\"email\"})"), b => b == 1,
                "prometheus never saw the email service backing off", TimeSpan.FromSeconds(60));
            Assert.Equal(0, await prometheus.ScalarAsync("max(orders_service_backing_off{service=\"payment\"})"));
            await Poll.UntilAsync(() => prometheus.ScalarAsync("sum(orders_step_issues{status=\"parked\",order_step=\"send_confirmation\"})"), p => p == ids.Count,
                $"prometheus never saw the {ids.Count} parked confirmations", TimeSpan.FromSeconds(60));
            Assert.Equal(ids.Count, await prometheus.ScalarAsync("sum(orders_step_parked_total)"));
            Assert.True(await prometheus.ScalarAsync("sum(orders_service_trips_total{service=\"email\"})") >= 1);
            Assert.Equal(0, await prometheus.ScalarAsync("sum(orders_completed_total)") ?? 0);

            Assert.Equal(0, (await OrdersCli.RunAsync(grpc, "faults", "clear", "email")).ExitCode);
            var parked = (await OrdersCli.RunAsync(grpc, "steps", "parked", "--json")).Json<AdminV1.ListStepIssuesReply>();
            var replay = await OrdersCli.RunAsync(grpc, "steps", "replay", "--group", Assert.Single(parked.Groups).Group);
            Assert.True(replay.ExitCode == 0, replay.ToString());

            await Poll.UntilAsync(() => prometheus.ScalarAsync("sum(orders_step_issues{status=\"parked\"})"), p => p == 0,
                "the parked gauge never fell back to 0 after the replay", TimeSpan.FromSeconds(60));
            await Poll.UntilAsync(() => prometheus.ScalarAsync("sum(orders_completed_total)"), c => c == ids.Count,
                "prometheus never saw the replayed orders complete", TimeSpan.FromSeconds(60));
        }
        catch
        {
            output.WriteLine(prometheus.Log);
            output.WriteLine(node.Log);
            throw;
        }
    }

    private static async Task WaitForTerminalAsync(GatewayProcess node, string orderId) =>
        await Poll.UntilAsync(() => node.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId }).ResponseAsync,
            o => o.Status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.PaymentDeclined or OrderStatus.Rejected,
            $"order {orderId} never finished", TimeSpan.FromSeconds(30));
}
