using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

public abstract class OversellSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => SimulatedProviders.Instant();

    [Fact]
    public async Task Fifty_concurrent_orders_for_ten_units_complete_ten_and_compensate_forty()
    {
        await Node.SetStockAsync("SKU-HOT", 10);
        var ids = Enumerable.Range(0, 50).Select(i => $"hot-{i:00}-{Guid.NewGuid():N}"[..16]).ToList();

        var replies = await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details("SKU-HOT"), ResponseMode.Hybrid)));
        Assert.All(replies, r => Assert.Equal(OrderStatus.Confirmed, r.Status));

        var done = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id)));
        var completed = done.Where(o => o.Status == OrderStatus.Completed).ToList();
        var cancelled = done.Where(o => o.Status == OrderStatus.Cancelled).ToList();
        Assert.Equal(10, completed.Count);
        Assert.Equal(40, cancelled.Count);
        Assert.All(cancelled, o => Assert.Contains("out of stock", o.Reason));

        Assert.Equal(0, (await Node.GetStockAsync("SKU-HOT")).Available);
        Assert.All(ids, id => Assert.Equal(1, Providers.Payment.ChargesFor(id)));
        Assert.All(cancelled, o => Assert.Equal(1, Providers.Payment.RefundsFor(o.OrderId)));
        Assert.All(cancelled, o => Assert.Equal(1, Providers.Email.DeliveriesFor($"{o.OrderId}/send-cancellation")));
        Assert.All(cancelled, o => Assert.Null(Providers.Warehouse.StateOf(o.OrderId)));
        Assert.All(completed, o => Assert.Equal(0, Providers.Payment.RefundsFor(o.OrderId)));
        Assert.Equal(10, Providers.Payment.NetCharges);
        Assert.Equal(10, Providers.Warehouse.ActiveShipments);
    }
}

public sealed class OversellOnSqlite() : OversellSpecs(PersistenceProvider.Sqlite);

public sealed class OversellOnPostgreSql() : OversellSpecs(PersistenceProvider.PostgreSql);
