using Orders.Actors.Hosting;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Simulations;

/// <summary>"What happens if a notification fails to send?" It is parked where an operator sees it, never dropped.</summary>
public abstract class ParkedStepSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => SimulatedProviders.Instant();

    protected override void Configure(OrderSystemOptions options) =>
        options.Order = OrderNode.FastOrderSettings with { StepAttempts = 3, StepBackoffMin = TimeSpan.FromMilliseconds(50), StepBackoffMax = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task A_step_that_keeps_failing_is_parked_and_a_replay_completes_it()
    {
        await Node.SetStockAsync("SKU-1", 10);
        Providers.Configure(ProviderKind.Warehouse, SimulationSettings.Instant with { ErrorRate = 1 });
        var id = TestOrders.NewId();
        await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid);

        OrderView parked = null!;
        await Eventually(async () => (parked = await Node.GetViewAsync(id)).ParkedSteps.Any(), "the shipment step is parked");
        var step = Assert.Single(parked.ParkedSteps);
        Assert.Equal("create-shipment", step.Step);
        Assert.Equal(3, step.Attempts);
        Assert.Contains("simulated error rate", step.Detail);
        Assert.Equal(OrderStatus.Fulfilling, parked.Status);
        Assert.Equal(3, Providers.Warehouse.Calls);

        await Task.Delay(500);
        Assert.Equal(3, Providers.Warehouse.Calls); // parked means nobody keeps hammering the warehouse

        Providers.Configure(ProviderKind.Warehouse, SimulationSettings.Instant);
        var replayed = OrderNode.Expect<OrderView>(await Node.AskAsync(Node.Orders, new ReplayParkedSteps(id, MessageContext.New())));
        Assert.Empty(replayed.ParkedSteps);

        var done = await Node.WaitForTerminalAsync(id);
        Assert.Equal(OrderStatus.Completed, done.Status);
        Assert.Equal(1, Providers.Warehouse.ShipmentsCreatedFor(id));
    }

    [Fact]
    public async Task Replaying_an_order_without_parked_steps_is_refused_with_the_reason()
    {
        await Node.SetStockAsync("SKU-1", 10);
        var id = TestOrders.NewId();
        await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Sync);

        var reply = await Node.AskAsync(Node.Orders, new ReplayParkedSteps(id, MessageContext.New()));
        var rejected = Assert.IsType<CommandRejected>(reply);
        Assert.Equal(RejectionCode.IllegalTransition, rejected.Code);
        Assert.Contains("no parked steps", rejected.Reason);
    }
}

public sealed class ParkedStepOnSqlite() : ParkedStepSpecs(PersistenceProvider.Sqlite);

public sealed class ParkedStepOnPostgreSql() : ParkedStepSpecs(PersistenceProvider.PostgreSql);
