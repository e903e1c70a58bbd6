using Akka.Actor;
using Akka.TestKit.Xunit2;
using Orders.Actors.Hosting;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Simulations;

/// <summary>"What if the same message is delivered twice?" Every downstream dedupes by (order id, step).</summary>
public abstract class DuplicateDeliverySpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => TestOrders.ScaledSeedProviders(0.25);

    [Fact]
    public async Task Every_step_delivered_three_times_has_one_effect()
    {
        await Node.SetStockAsync("SKU-D", 10);
        var probe = new Akka.TestKit.TestProbe(Node.System, new XunitAssertions());
        var details = TestOrders.Details("SKU-D", quantity: 2);
        var steps = new (IActorRef Target, StepKind Kind)[]
        {
            (Node.Registry.Get<ActorKeys.Inventory>(), StepKind.ReserveStock),
            (Node.Registry.Get<ActorKeys.Warehouse>(), StepKind.CreateShipment),
            (Node.Registry.Get<ActorKeys.Email>(), StepKind.SendConfirmation),
            (Node.Registry.Get<ActorKeys.AnalyticsService>(), StepKind.RecordAnalytics),
        };
        foreach (var (target, kind) in steps)
        {
            var step = new StepId(kind, kind == StepKind.ReserveStock ? "SKU-D" : null);
            var message = new PerformStep("dup-1", step, details, "auth", probe.Ref, MessageContext.New());
            target.Tell(message);
            target.Tell(message); // while the first is in flight
            var outcomes = new[] { probe.ExpectMsg<StepOutcome>(TimeSpan.FromSeconds(5)), probe.ExpectMsg<StepOutcome>(TimeSpan.FromSeconds(5)) };
            target.Tell(message); // after it finished
            outcomes = [.. outcomes, probe.ExpectMsg<StepOutcome>(TimeSpan.FromSeconds(5))];
            Assert.All(outcomes, o => Assert.Equal(StepOutcomeKind.Succeeded, o.Kind));
            Assert.All(outcomes, o => Assert.Equal(step, o.Step));
        }

        Assert.Equal(8, (await Node.GetStockAsync("SKU-D")).Available);
        Assert.Equal(1, Providers.Warehouse.Calls);
        Assert.Equal(1, Providers.Warehouse.ShipmentsCreatedFor("dup-1"));
        Assert.Equal(1, Providers.Email.Calls);
        Assert.Equal(1, Providers.Email.DeliveriesFor("dup-1/send-confirmation"));
        Assert.Equal(1, Providers.Analytics.Calls);
    }

    [Fact]
    public async Task The_same_order_placed_five_times_at_once_is_one_order_charged_once()
    {
        await Node.SetStockAsync("SKU-1", 10);
        var id = TestOrders.NewId();
        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid)));

        Assert.All(replies, r => Assert.Equal(OrderStatus.Confirmed, r.Status));
        Assert.Single(replies.Select(r => r.AuthorizationId).Distinct());
        Assert.Equal(1, Providers.Payment.AuthorizeCalls);
        Assert.Equal(1, Providers.Payment.ChargesFor(id));

        var again = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Sync);
        Assert.Equal(OrderStatus.Completed, again.Status);
        Assert.Equal(1, Providers.Payment.ChargesFor(id));
    }

    [Fact]
    public async Task A_call_resending_its_place_order_waits_once_and_only_its_latest_send_is_answered()
    {
        await Node.SetStockAsync("SKU-1", 10);
        var id = TestOrders.NewId();
        var call = MessageContext.New();
        var sends = Enumerable.Range(0, 3).Select(_ => new Akka.TestKit.TestProbe(Node.System, new XunitAssertions())).ToList();
        var otherCall = new Akka.TestKit.TestProbe(Node.System, new XunitAssertions());
        var command = new PlaceOrder(id, TestOrders.Details(), ResponseMode.Sync, call);

        // One gateway call resending its command (each send is a new ask), and another call for the same order.
        foreach (var send in sends) Node.Orders.Tell(command, send.Ref);
        Node.Orders.Tell(command with { Context = MessageContext.New() }, otherCall.Ref);

        Assert.Equal(OrderStatus.Completed, sends[^1].ExpectMsg<OrderView>(TimeSpan.FromSeconds(10)).Status);
        Assert.Equal(OrderStatus.Completed, otherCall.ExpectMsg<OrderView>(TimeSpan.FromSeconds(10)).Status);
        // The earlier sends' places went to the latest: nobody waits for them, nothing is told to an asker that gave up.
        sends[0].ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        sends[1].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, Providers.Payment.ChargesFor(id));
    }

    [Fact]
    public async Task The_same_id_with_a_different_body_is_refused_and_changes_nothing()
    {
        await Node.SetStockAsync("SKU-1", 10);
        var id = TestOrders.NewId();
        var first = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid);

        var reply = await Node.AskAsync(Node.Orders, new PlaceOrder(id, TestOrders.Details(quantity: 5), ResponseMode.Hybrid, MessageContext.New()));
        var rejected = Assert.IsType<CommandRejected>(reply);
        Assert.Equal(RejectionCode.Conflict, rejected.Code);

        var after = await Node.GetViewAsync(id);
        Assert.Equal(first.Details, after.Details);
        Assert.Equal(1, Providers.Payment.AuthorizeCalls);
    }

    [Fact]
    public async Task A_step_outcome_delivered_again_is_not_recorded_again()
    {
        await Node.SetStockAsync("SKU-1", 10);
        var id = TestOrders.NewId();
        var done = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Sync);
        Assert.Equal(OrderStatus.Completed, done.Status);

        Node.Orders.Tell(new StepOutcome(id, new StepId(StepKind.CreateShipment), StepOutcomeKind.Succeeded, "again", null, MessageContext.New()));
        Node.Orders.Tell(new StepOutcome(id, new StepId(StepKind.ReserveStock, "SKU-1"), StepOutcomeKind.Failed, "late refusal", null, MessageContext.New()));
        var after = await Node.GetViewAsync(id);
        Assert.Equal(done.Version, after.Version);
        Assert.Equal(OrderStatus.Completed, after.Status);
        // Counted once, when it was recorded: the redelivered outcomes add nothing.
        Assert.Equal([1.0], Node.Metrics.Of("orders.step.attempts", "order.step=create_shipment"));
        Assert.Equal([1.0], Node.Metrics.Of("orders.completed", "order.mode=sync"));
        Assert.Equal([1.0], Node.Metrics.Of("orders.placed"));
    }
}

public sealed class DuplicateDeliveryOnSqlite() : DuplicateDeliverySpecs(PersistenceProvider.Sqlite);

public sealed class DuplicateDeliveryOnPostgreSql() : DuplicateDeliverySpecs(PersistenceProvider.PostgreSql);
