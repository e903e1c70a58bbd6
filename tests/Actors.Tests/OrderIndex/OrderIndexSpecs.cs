using Orders.Actors.Hosting;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Simulations;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.OrderIndex;

public abstract class OrderIndexSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => SimulatedProviders.Instant();

    [Fact]
    public async Task Orders_are_listed_by_status_in_stable_pages()
    {
        await Node.SetStockAsync("SKU-I", 5);
        var ids = Enumerable.Range(0, 7).Select(i => $"idx-{i}").ToList();
        await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details("SKU-I"), ResponseMode.Hybrid)));
        await Node.PlaceAsync("idx-declined", TestOrders.Details("SKU-I", token: "tok_decline"), ResponseMode.Hybrid);
        await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id)));

        var store = Database.Options().OrderIndex();
        await Eventually(async () => (await store.ListAsync(OrderStatus.Completed, null, 100)).Orders.Count == 5
                                     && (await store.ListAsync(OrderStatus.Cancelled, null, 100)).Orders.Count == 2
                                     && (await store.ListAsync(OrderStatus.PaymentDeclined, null, 100)).Orders.Count == 1,
            "the index catches up");

        var declined = await store.ListAsync(OrderStatus.PaymentDeclined, null, 10);
        Assert.Equal("idx-declined", Assert.Single(declined.Orders).OrderId);

        var first = await store.ListAsync(null, null, 3);
        Assert.Equal(["idx-0", "idx-1", "idx-2"], first.Orders.Select(o => o.OrderId));
        var second = await store.ListAsync(null, first.NextAfter, 3);
        Assert.Equal(["idx-3", "idx-4", "idx-5"], second.Orders.Select(o => o.OrderId));
        var last = await store.ListAsync(null, second.NextAfter, 3);
        Assert.Equal(["idx-6", "idx-declined"], last.Orders.Select(o => o.OrderId));
        Assert.Null(last.NextAfter);
        Assert.All(first.Orders, o => Assert.Equal(1999, o.TotalMinor));
    }
}

public sealed class OrderIndexOnSqlite() : OrderIndexSpecs(PersistenceProvider.Sqlite);

public sealed class OrderIndexOnPostgreSql() : OrderIndexSpecs(PersistenceProvider.PostgreSql);
