using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Cli;

/// <summary>The `orders` palette of the real CLI binary against one real node: list, show, timeline, cancel, --json, and its errors.</summary>
public sealed class OrdersPaletteSpecs : IAsyncLifetime
{
    private GatewayServer _server = null!;

    // The chapter's latencies at full scale: an order takes ~2 s after its payment, long enough to cancel it.
    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync(GatewayFixture.ScaledSeed(1.0));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<OrdersCli.Result> Cli(params string[] args) => OrdersCli.RunAsync(_server.GrpcAddress, args);

    [Fact]
    public async Task List_show_and_timeline_tell_an_orders_whole_story_and_the_json_is_the_order_itself()
    {
        // The client's own trace: the order's spans continue it, and operators find it by the order.
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var traceParent = new global::Grpc.Core.Metadata { { "traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01" } };
        var placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync), traceParent);
        var id = placed.Order.OrderId;
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);
        Assert.Equal(traceId, placed.Order.TraceId);

        // The list reads the order index, a projection of the event stream: it shows the order once it has caught up.
        var listed = await Poll.UntilAsync(async () => (await Cli("orders", "list", "--status", "completed", "--json")).Json<AdminV1.ListOrdersReply>(),
            l => l.Orders.Any(o => o.OrderId == id), "the completed order never reached the order index");
        Assert.Contains(listed.Orders, o => o.OrderId == id && o.Status == OrderStatus.Completed);
        var list = await Cli("orders", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);
        Assert.All(listed.Orders, o => Assert.Equal(OrderStatus.Completed, o.Status));

        var shown = await Cli("orders", "show", id, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var order = await _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = id });
        Assert.Equal(order, shown.Json<Order>());
        Assert.All(order.Steps, s =>
        {
            Assert.Equal(StepStatus.Succeeded, s.State);
            Assert.Equal(1, s.Attempts);
            Assert.True(s.SentAt.ToDateTimeOffset() <= s.At.ToDateTimeOffset(), $"{s.Name} answered before it was sent");
        });
        var text = (await Cli("orders", "show", id)).Out;
        Assert.All(order.Steps, s => Assert.Contains(s.Name, text));
        Assert.Contains($"trace id {traceId}", text);

        var timeline = (await Cli("orders", "timeline", id, "--json")).Json<AdminV1.Timeline>();
        Assert.Equal(traceId, timeline.TraceId);
        var times = timeline.Entries.Select(e => e.At.ToDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], timeline.Entries.Where(e => e.Kind == "status").Select(e => e.Outcome));
        var payment = Assert.Single(timeline.Entries, e => e.Kind == "payment_attempt");
        Assert.Equal((1, "authorized"), (payment.Attempt, payment.Outcome));
        foreach (var step in order.Steps)
        {
            var entries = timeline.Entries.Where(e => e.Step == step.Name).ToList();
            Assert.Equal(["step_sent", "step_attempt"], entries.Select(e => e.Kind));
            Assert.All(entries, e => Assert.Equal(1, e.Attempt));
            Assert.Equal("succeeded", entries[1].Outcome);
            Assert.Equal(step.SentAt, entries[0].At);
            Assert.Equal(step.At, entries[1].At);
        }
        Assert.Contains($"{id}: {timeline.Entries.Count} entries, now completed, trace id {traceId}", (await Cli("orders", "timeline", id)).Out);
    }

    [Fact]
    public async Task Cancel_compensates_a_confirmed_order_and_the_reason_is_on_record()
    {
        PlaceOrderResponse placed;
        using (_server.Providers.Slow(ProviderKind.Warehouse, TimeSpan.FromSeconds(4)))
        {
            // The shipment takes 4 s here, so the order is still running when the CLI (a process start) cancels it.
            placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid));
            Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
            var cancel = await Cli("orders", "cancel", placed.Order.OrderId, "--reason", "changed my mind");
            Assert.True(cancel.ExitCode == 0, cancel.ToString());
        }
        var final = await _server.WaitForTerminalAsync(placed.Order.OrderId);
        Assert.Equal(OrderStatus.Cancelled, final.Status);
        Assert.Contains("changed my mind", final.Reason);
        Assert.Equal(0, _server.Providers.Payment.TotalCharges - _server.Providers.Payment.TotalRefunds);

        // Cancelling is idempotent; a finished order cannot be cancelled, and saying so changes nothing.
        Assert.Equal(0, (await Cli("orders", "cancel", placed.Order.OrderId)).ExitCode);
        var completed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        var refused = await Cli("orders", "cancel", completed.Order.OrderId);
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.Equal(OrderStatus.Completed, (await _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = completed.Order.OrderId })).Status);
    }

    [Fact]
    public async Task Mistakes_get_one_clear_line_and_a_non_zero_exit_code()
    {
        var missing = await Cli("orders", "show", "no-such-order");
        Assert.Equal(1, missing.ExitCode);
        Assert.Matches("^orders: error: .*no-such-order", missing.Error.Trim());

        var palette = await Cli("ordres", "list");
        Assert.Equal(2, palette.ExitCode);
        Assert.Contains("did you mean 'orders'?", palette.Error);
        var command = await Cli("orders", "lsit");
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("did you mean 'list'?", command.Error);
        var argument = await Cli("stock", "set", "SKU-1", "many");
        Assert.Equal(2, argument.ExitCode);
        Assert.Single(argument.Error.Trim().Split('\n'));

        var unreachable = await OrdersCli.RunAsync(new Uri($"http://127.0.0.1:{GatewayProcess.FreePort()}"), "cluster", "show");
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Matches("^orders: error: cannot reach node 127.0.0.1:[0-9]+: .*$", unreachable.Error.Trim());

        var help = await Cli("help");
        Assert.Equal(0, help.ExitCode);
        foreach (var name in (string[])["cluster", "actor", "cluster-sharding", "orders", "steps", "services", "faults", "stock", "analytics"])
            Assert.Contains(name, help.Out);
        var paletteHelp = await Cli("steps", "help");
        Assert.Equal(0, paletteHelp.ExitCode);
        Assert.Contains("--group", paletteHelp.Out);
    }

    [Fact]
    public async Task Stock_and_analytics_are_read_and_set_from_the_terminal()
    {
        var set = await Cli("stock", "set", "SKU-9", "40");
        Assert.True(set.ExitCode == 0, set.ToString());
        var shown = (await Cli("stock", "show", "SKU-9", "--json")).Json<AdminV1.StockReply>();
        Assert.Equal(40, shown.Available);
        Assert.NotEqual(0, (await Cli("stock", "set", "SKU-9", "-5")).ExitCode);
        Assert.Equal(40, (await Cli("stock", "show", "SKU-9", "--json")).Json<AdminV1.StockReply>().Available);

        await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        await Poll.UntilAsync(async () => (await Cli("analytics", "show", "--json")).Json<AdminV1.AnalyticsReply>(), a => a.Completed >= 1,
            "analytics never counted the completed order");

        var replay = await Cli("analytics", "replay", "--from", "0", "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
    }
}
