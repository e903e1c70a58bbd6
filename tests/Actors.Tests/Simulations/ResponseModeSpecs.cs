using Orders.Actors.Hosting;
using System.Diagnostics;
using Orders.Actors.Orders;
using Orders.Actors.Tests.Support;

namespace Orders.Actors.Tests.Simulations;

/// <summary>The seed's before/after: SYNC waits for every step, HYBRID for payment only, ACCEPTED for the journal only.</summary>
public abstract class ResponseModeSpecs(PersistenceProvider provider) : SimulationBase(provider)
{

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Node.SetStockAsync("SKU-1", 1000);
    }

    [Fact]
    public async Task Hybrid_replies_after_the_payment_decision_while_fulfilment_is_still_running()
    {
        var id = TestOrders.NewId();
        var view = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid);

        Assert.Equal(OrderStatus.Confirmed, view.Status);
        Assert.NotNull(view.AuthorizationId);
        Assert.DoesNotContain(view.Steps, s => s.Step.StartsWith("send-confirmation"));

        var done = await Node.WaitForTerminalAsync(id);
        Assert.Equal(OrderStatus.Completed, done.Status);
        AssertEffectsAppliedOnce(id);
    }

    [Fact]
    public async Task Sync_replies_only_after_every_step_has_finished()
    {
        var id = TestOrders.NewId();
        var clock = Stopwatch.StartNew();
        var view = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Sync);

        Assert.Equal(OrderStatus.Completed, view.Status);
        Assert.All(view.Steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.Equal(["create-shipment", "record-analytics", "reserve-stock:SKU-1", "send-confirmation"], view.Steps.Select(s => s.Step));
        // payment 40 + inventory 20 + warehouse 30 + email 80 + analytics 15 ms, in sequence
        Assert.True(clock.ElapsedMilliseconds >= 185, $"SYNC answered after {clock.ElapsedMilliseconds} ms, before its steps could have run in sequence");
        AssertEffectsAppliedOnce(id);
    }

    [Fact]
    public async Task Accepted_replies_before_the_payment_is_decided()
    {
        var id = TestOrders.NewId();
        var view = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Accepted);

        Assert.Equal(OrderStatus.PaymentPending, view.Status);
        Assert.Null(view.AuthorizationId);

        var done = await Node.WaitForTerminalAsync(id);
        Assert.Equal(OrderStatus.Completed, done.Status);
        AssertEffectsAppliedOnce(id);
    }

    private void AssertEffectsAppliedOnce(string orderId)
    {
        Assert.Equal(1, Node.Providers.Payment.ChargesFor(orderId));
        Assert.Equal(1, Node.Providers.Warehouse.ShipmentsCreatedFor(orderId));
        Assert.Equal(1, Node.Providers.Email.DeliveriesFor($"{orderId}/send-confirmation"));
    }
}

public sealed class ResponseModeOnSqlite() : ResponseModeSpecs(PersistenceProvider.Sqlite);

public sealed class ResponseModeOnPostgreSql() : ResponseModeSpecs(PersistenceProvider.PostgreSql);
