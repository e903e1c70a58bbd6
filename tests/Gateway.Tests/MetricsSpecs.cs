using System.Net;
using System.Net.Http.Headers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>/metrics in Prometheus text format: each order counted once, by mode, and only operators may read it.</summary>
public sealed class MetricsSpecs
{
    private const string AdminToken = "metrics-admin-token-0123456789abcdef";

    private static async Task<PrometheusText> ScrapeAsync(GatewayServer server, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new PrometheusText(body);
    }

    [Fact]
    public async Task Every_order_is_counted_once_by_mode_and_outcome_with_the_runtimes_and_kestrels_own_metrics()
    {
        await using var server = await GatewayServer.StartAsync();
        var placed = new List<(string Id, ResponseMode Mode)>();
        foreach (var (mode, count) in new[] { (ResponseMode.Accepted, 3), (ResponseMode.Hybrid, 2), (ResponseMode.Sync, 1) })
            for (var i = 0; i < count; i++)
                placed.Add(((await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: mode))).Order.OrderId, mode));
        var declined = (await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid, token: "tok_decline_metrics"))).Order.OrderId;
        foreach (var (id, _) in placed) Assert.Equal(OrderStatus.Completed, (await server.WaitForTerminalAsync(id)).Status);
        Assert.Equal(OrderStatus.PaymentDeclined, (await server.WaitForTerminalAsync(declined)).Status);
        // Placing the same order again is answered from its record: not a new order.
        await server.Client.PlaceOrderAsync(GatewayServer.Order(placed[0].Id, ResponseMode.Accepted));

        var metrics = await ScrapeAsync(server);
        Assert.Equal(3, metrics.Sum("orders_placed_total", "order_mode=accepted"));
        Assert.Equal(3, metrics.Sum("orders_placed_total", "order_mode=hybrid"));
        Assert.Equal(1, metrics.Sum("orders_placed_total", "order_mode=sync"));
        Assert.Equal(3, metrics.Sum("orders_completed_total", "order_mode=accepted"));
        Assert.Equal(2, metrics.Sum("orders_completed_total", "order_mode=hybrid"));
        Assert.Equal(1, metrics.Sum("orders_completed_total", "order_mode=sync"));
        Assert.Equal(1, metrics.Sum("orders_declined_total", "order_mode=hybrid"));
        Assert.Equal(0, metrics.Sum("orders_cancelled_total") + metrics.Sum("orders_rejected_total"));
        Assert.Equal(6, metrics.Sum("orders_completion_duration_seconds_count", "order_status=completed"));

        // The client's view: a SYNC call answers with the completed order, a HYBRID one once payment is decided.
        Assert.Equal(1, metrics.Sum("orders_client_duration_seconds_count", "order_mode=sync", "outcome=completed"));
        Assert.Equal(1, metrics.Sum("orders_client_duration_seconds_count", "order_mode=hybrid", "outcome=payment_declined"));
        Assert.Equal(8, metrics.Sum("orders_client_duration_seconds_count"));
        Assert.True(metrics.Has("orders_client_in_flight"), "no in-flight gauge");

        // Every step of every completed order settled once, at its first attempt (nothing failed).
        Assert.Equal(6, metrics.Sum("orders_step_attempts_count", "order_step=send_confirmation", "outcome=succeeded"));
        Assert.Equal(6, metrics.Sum("orders_step_attempts_sum", "order_step=send_confirmation", "outcome=succeeded"));
        Assert.Equal(0, metrics.Sum("orders_step_redeliveries_total"));

        Assert.True(metrics.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's request duration is missing");
        Assert.True(metrics.Samples.Any(s => s.Name.StartsWith("kestrel_", StringComparison.Ordinal)), "Kestrel's metrics are missing");
        Assert.True(metrics.Samples.Any(s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal)), "the runtime's metrics are missing");
    }

    [Fact]
    public async Task A_node_restarted_over_its_journal_counts_none_of_the_recovered_orders_again()
    {
        var database = GatewayServer.NewDatabasePath();
        var ids = new List<string>();
        await using (var first = await GatewayServer.StartAsync(null, database))
        {
            for (var i = 0; i < 4; i++) ids.Add((await first.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync))).Order.OrderId);
            Assert.Equal(4, (await ScrapeAsync(first)).Sum("orders_completed_total"));
        }

        await using var second = await GatewayServer.StartAsync(null, database);
        // Every order recovered from the journal (its events replayed), and the order index caught up.
        foreach (var id in ids) Assert.Equal(OrderStatus.Completed, (await second.Client.GetOrderAsync(new GetOrderRequest { OrderId = id })).Status);
        await Poll.UntilAsync(() => second.Client.ListOrdersAsync(new ListOrdersRequest { Status = OrderStatus.Completed }).ResponseAsync,
            page => page.Orders.Count == ids.Count, "the order index never listed the recovered orders");
        var fresh = (await second.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync))).Order.OrderId;

        var metrics = await ScrapeAsync(second);
        Assert.Equal(1, metrics.Sum("orders_placed_total"));
        Assert.Equal(1, metrics.Sum("orders_completed_total"));
        Assert.Equal(1, metrics.Sum("orders_completion_duration_seconds_count"));
        Assert.Equal(1, metrics.Sum("orders_step_attempts_count", "order_step=send_confirmation"));
        Assert.Equal(OrderStatus.Completed, (await second.Client.GetOrderAsync(new GetOrderRequest { OrderId = fresh })).Status);
    }

    [Fact]
    public async Task Each_projection_shows_how_many_events_it_is_behind_and_catches_up_to_0()
    {
        await using var server = await GatewayServer.StartAsync();
        async Task<(double? OrderIndex, double? Analytics)> LagAsync()
        {
            var metrics = await ScrapeAsync(server);
            double? Of(string projection) => metrics.Samples.Where(s => s.Name == "orders_projection_lag" && s.Labels.GetValueOrDefault("projection") == projection)
                .Select(s => (double?)s.Value).SingleOrDefault();
            return (Of("order-index"), Of("analytics"));
        }
        async Task CompleteAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var id = (await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid))).Order.OrderId;
                Assert.Equal(OrderStatus.Completed, (await server.WaitForTerminalAsync(id)).Status);
            }
        }
        async Task SetAnalyticsErrorRateAsync(double rate)
        {
            using var put = await server.Http.PutAsync("/v1/simulations/analytics",
                new StringContent($$"""{"latency_ms":0,"error_rate":{{rate}}}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await CompleteAsync(2);
        await Poll.UntilAsync(LagAsync, lag => lag is (0, 0), "the projections never reported being caught up");

        // The analytics provider refuses every batch: its consumer stays where it was while the order index moves on.
        await SetAnalyticsErrorRateAsync(1);
        await CompleteAsync(3);
        // At least the three completions are behind: each is a record the provider refused.
        await Poll.UntilAsync(LagAsync, lag => lag is (0, >= 3), "the analytics consumer never showed the events it could not process");

        await SetAnalyticsErrorRateAsync(0);
        await Poll.UntilAsync(LagAsync, lag => lag is (0, 0), "the analytics consumer never caught up once its provider answered again");
    }

    [Fact]
    public async Task A_node_bound_beyond_loopback_shows_its_metrics_only_to_the_admin_token()
    {
        await using var server = await GatewayServer.StartAsync(null, null, "--Gateway:BindAddress=0.0.0.0", $"--Orders:Admin:Token={AdminToken}");

        using var anonymous = await server.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("admin token", await anonymous.Content.ReadAsStringAsync());
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.SendAsync(wrong)).StatusCode);

        Assert.True((await ScrapeAsync(server, AdminToken)).Has("orders_client_in_flight"));
    }

    [Fact]
    public async Task Metrics_turned_off_leave_no_endpoint()
    {
        await using var server = await GatewayServer.StartAsync(null, null, "--OpenTelemetry:Metrics:Enabled=false");
        await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/metrics")).StatusCode);
    }
}
