using Microsoft.Extensions.DependencyInjection;
using Orders.Actors.OrderIndex;
using Orders.Actors.Workflows;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Gateway.Tests.Cli;

/// <summary>
/// Parked work seen and replayed from the terminal: an email outage long enough to park the confirmation of 20 orders,
/// and a webhook receiver that refuses, then accepts. Three attempts per step so parking takes seconds, not minutes.
/// </summary>
public sealed class ParkedStepSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync("test-secret");
        // A supervisor that trips stays backing off for 8 s: long enough to be seen from the CLI on a busy machine (the
        // 20 confirmations park within a second or two, after which nothing calls the provider to trip it again).
        _server = await GatewayServer.StartAsync(GatewayFixture.ScaledSeed(), null, "--Orders:Order:StepAttempts=3",
            "--Orders:Supervision:MinBackoff=00:00:08", "--Orders:Supervision:MaxBackoff=00:00:08");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Task<OrdersCli.Result> Cli(params string[] args) => OrdersCli.RunAsync(_server.GrpcAddress, args);

    [Fact]
    public async Task Steps_of_another_workflow_are_listed_by_identity_and_a_node_that_does_not_host_it_says_so()
    {
        // Written as that workflow's projection writes them: by a node of a build that hosts it, sharing this database.
        var store = _server.Services.GetRequiredService<OrderIndexStore>();
        await store.EnsureSchemaAsync();
        await store.ApplyStepFactsAsync("step-issues-trip", "trip",
            [("x1", [new WorkflowFact.StepParked("notify-traveller", 3, "sms gateway 503", DateTimeOffset.UtcNow)])], 1);

        var table = await Cli("steps", "parked");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("workflow", table.Out);
        Assert.Contains("x1", table.Out);
        var trip = Assert.Single((await Cli("steps", "parked", "--workflow", "trip", "--json")).Json<AdminV1.ListStepIssuesReply>().Issues);
        Assert.Equal(("trip", "x1", "", "notify-traveller", 3), (trip.Workflow, trip.InstanceId, trip.OrderId, trip.Step, trip.Attempts));
        Assert.Equal(0, (await Cli("steps", "parked", "--workflow", "order", "--json")).Json<AdminV1.ListStepIssuesReply>().Total);

        var one = await Cli("steps", "replay", "x1", "--workflow", "trip");
        Assert.NotEqual(0, one.ExitCode);
        Assert.Contains("'trip' is not a workflow hosted here (hosted: order)", one.ToString());
        var all = await Cli("steps", "replay", "--all");
        Assert.NotEqual(0, all.ExitCode);
        Assert.Contains("trip/x1: workflow 'trip' is not hosted on this node (it hosts order)", all.ToString());
        Assert.Contains("'trip' is not a workflow hosted here", (await Cli("steps", "timeline", "x1", "--workflow", "trip")).ToString());

        // The generic timeline of an order is the order's own.
        var id = (await _server.Client.PlaceOrderAsync(GatewayServer.Order())).Order.OrderId;
        await _server.WaitForTerminalAsync(id);
        var story = (await Cli("steps", "timeline", id, "--json")).Json<AdminV1.Timeline>();
        Assert.Equal(("order", id, id), (story.Workflow, story.InstanceId, story.OrderId));
        Assert.Contains(story.Entries, e => e is { Kind: "payment_attempt", Outcome: "authorized" });
        Assert.Contains(story.Entries, e => e is { Kind: "status", Outcome: "completed" });
    }

    [Fact]
    public async Task An_email_outage_parks_one_group_of_20_and_replaying_the_group_sends_each_email_once()
    {
        var outage = await Cli("faults", "set", "email", "--outage", "10m");
        Assert.True(outage.ExitCode == 0, outage.ToString());
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add((await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted))).Order.OrderId);

        // Backing off comes and goes (each restart probes): the JSON and the table are read together until both show it.
        var (services, table) = await Poll.UntilAsync(async () => ((await Cli("services", "show", "--json")).Json<AdminV1.ShowServicesReply>(), (await Cli("services", "show")).Out),
            s => s.Item1.Services.Any(h => h.Service == "email" && h.State == "backing_off") && s.Item2.Contains("backing off"),
            "the email supervisor never backed off", TimeSpan.FromSeconds(60));
        output.WriteLine(services.ToString());
        output.WriteLine(table);

        var parked = await Poll.UntilAsync(async () => (await Cli("steps", "parked", "--json")).Json<AdminV1.ListStepIssuesReply>(),
            p => p.Total >= 20, "20 confirmations were not parked", TimeSpan.FromSeconds(60));
        var group = Assert.Single(parked.Groups);
        Assert.Equal(20, group.Count);
        Assert.Equal("send-confirmation", group.Kind);
        Assert.Equal(ids.Order(), parked.Issues.Select(i => i.OrderId).Order());
        Assert.All(parked.Issues, i => Assert.Equal(3, i.Attempts));
        Assert.Contains($"{group.Group}", (await Cli("steps", "parked")).Out);
        Assert.Contains(ids[0], (await Cli("orders", "list", "--parked")).Out);

        var dryRun = await Cli("steps", "replay", "--group", group.Group, "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Equal(20, (await Cli("steps", "parked", "--json")).Json<AdminV1.ListStepIssuesReply>().Total);

        Assert.Equal(0, (await Cli("faults", "clear", "email")).ExitCode);
        var replay = await Cli("steps", "replay", "--group", group.Group);
        output.WriteLine(replay.Out);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains("of 20 of 20 orders", replay.Out);

        foreach (var id in ids) Assert.Equal(OrderStatus.Completed, (await _server.WaitForTerminalAsync(id)).Status);
        Assert.All(ids, id => Assert.Equal(1, _server.Providers.Email.DeliveriesFor($"{id}/send-confirmation")));
        Assert.Equal(20, _server.Providers.Email.Sent.Count);
        // The step-issue read model follows the orders' events: it shows the replayed steps gone once it has caught up.
        await Poll.UntilAsync(async () => (await Cli("steps", "parked", "--json")).Json<AdminV1.ListStepIssuesReply>(), p => p.Total == 0,
            "the replayed steps never left the parked list");
        Assert.Contains("no parked steps", (await Cli("steps", "parked")).Out);

        var timeline = (await Cli("orders", "timeline", ids[0], "--json")).Json<AdminV1.Timeline>();
        var email = timeline.Entries.Where(e => e.Step == "send-confirmation").ToList();
        Assert.Equal(["step_sent", "step_attempt", "step_sent", "step_attempt", "step_sent", "step_parked", "step_replayed"], email.Take(7).Select(e => e.Kind));
        Assert.Equal([1, 1, 2, 2, 3, 3], email.Take(6).Select(e => e.Attempt));
        // After the replay the supervisor may still be backing off for a moment: then one more failed attempt, then the send.
        Assert.Equal(("step_attempt", "succeeded"), (email[^1].Kind, email[^1].Outcome));
    }

    [Fact]
    public async Task A_refused_webhook_blocks_the_later_ones_visibly_and_replay_delivers_them_all_in_order_once()
    {
        _receiver.Refuse(410);
        var request = GatewayServer.Order(mode: ResponseMode.Accepted, callback: _receiver.Url.ToString());
        await _server.Client.PlaceOrderAsync(request);
        var id = request.OrderId;
        Assert.Equal(OrderStatus.Completed, (await _server.WaitForTerminalAsync(id)).Status);

        var order = await Poll.UntilAsync(() => _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = id }).ResponseAsync,
            o => o.Steps.Any(s => s.State == StepStatus.Parked) && o.Steps.Count(s => s.State == StepStatus.Blocked) == 3, "the refusal was not parked");
        Assert.Equal("notify-webhook:payment_pending", Assert.Single(order.Steps, s => s.State == StepStatus.Parked).Name);
        Assert.Equal(["notify-webhook:completed", "notify-webhook:confirmed", "notify-webhook:fulfilling"],
            order.Steps.Where(s => s.State == StepStatus.Blocked).Select(s => s.Name).Order());
        var shown = await Cli("orders", "show", id);
        Assert.Contains("blocked", shown.Out);
        var parked = await Poll.UntilAsync(async () => (await Cli("steps", "parked", "--json")).Json<AdminV1.ListStepIssuesReply>(),
            p => p.Issues.Any(i => i.OrderId == id), "the parked notification never reached the parked list");
        var issue = Assert.Single(parked.Issues, i => i.OrderId == id);
        Assert.Contains("410", issue.Error);
        Assert.Contains("wait behind them", parked.Groups.Single(g => g.Group == issue.Group).Note);
        Assert.Single(_receiver.All, r => r.OrderId == id);

        _receiver.Accept();
        var replay = await Cli("steps", "replay", id);
        Assert.True(replay.ExitCode == 0, replay.ToString());

        await Poll.UntilAsync(() => Task.FromResult(_receiver.Accepted.Count(r => r.OrderId == id)), n => n >= 4, "the notifications were not delivered");
        await Task.Delay(1000); // nothing more may arrive
        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], _receiver.Accepted.Where(r => r.OrderId == id).Select(r => r.Status));
        await Poll.UntilAsync(() => _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = id }).ResponseAsync,
            o => o.Steps.Count(s => s.Name.StartsWith("notify-webhook") && s.State == StepStatus.Succeeded) == 4, "the order never recorded four delivered notifications");
    }
}
