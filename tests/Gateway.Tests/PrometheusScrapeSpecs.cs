using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Orders.Gateway.Tests;

/// <summary>A real Prometheus scraping a node process every second, read back through Prometheus's own query API.</summary>
public sealed class PrometheusScrapeSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_counts_exactly_the_orders_a_node_completed()
    {
        var database = GatewayServer.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var (grpcPort, httpPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        await using var node = await GatewayProcess.StartAsync(database, grpcPort, httpPort, "--Orders:SimulationProfile=instant", "--Orders:InitialStock:SKU-1=100000");
        await using var prometheus = await PrometheusServer.StartAsync([$"127.0.0.1:{httpPort}"]);
        try
        {
            await Poll.UntilAsync(() => prometheus.ScalarAsync("up{job=\"orders\"}"), up => up == 1, "prometheus never scraped the node", TimeSpan.FromSeconds(30));

            var modes = new[] { ResponseMode.Accepted, ResponseMode.Hybrid, ResponseMode.Sync };
            var ids = new List<string>();
            for (var i = 0; i < 12; i++)
                ids.Add((await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: modes[i % modes.Length]))).Order.OrderId);
            var declined = (await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid, token: "tok_decline_prometheus"))).Order.OrderId;
            foreach (var id in ids.Append(declined)) await WaitForTerminalAsync(node, id);

            var completed = await Poll.UntilAsync(() => prometheus.ScalarAsync("sum(orders_completed_total)"), c => c == ids.Count,
                $"prometheus never saw {ids.Count} completed orders", TimeSpan.FromSeconds(30));
            Assert.Equal(ids.Count, completed);
            Assert.Equal(4, await prometheus.ScalarAsync("sum(orders_completed_total{order_mode=\"sync\"})"));
            Assert.Equal(1, await prometheus.ScalarAsync("sum(orders_declined_total)"));
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

    private static async Task WaitForTerminalAsync(GatewayProcess node, string orderId) =>
        await Poll.UntilAsync(() => node.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId }).ResponseAsync,
            o => o.Status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.PaymentDeclined or OrderStatus.Rejected,
            $"order {orderId} never finished", TimeSpan.FromSeconds(30));
}
