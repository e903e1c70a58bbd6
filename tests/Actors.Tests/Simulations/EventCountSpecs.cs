using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Xunit.Abstractions;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

/// <summary>What one order costs the journal in each mode: the figure every throughput number divides by.</summary>
public abstract class EventCountSpecs(ITestOutputHelper output, PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => SimulatedProviders.Instant();

    [Theory]
    [InlineData(ResponseMode.Hybrid, 6)]
    [InlineData(ResponseMode.Accepted, 6)]
    [InlineData(ResponseMode.Sync, 7)]
    public async Task A_completed_order_writes_a_fixed_number_of_events(ResponseMode mode, int expected)
    {
        await Node.SetStockAsync("SKU-1", 1000);
        var before = JournalRows();
        const int orders = 20;
        var ids = Enumerable.Range(0, orders).Select(_ => TestOrders.NewId()).ToList();
        await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details(), mode)));
        var done = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id)));

        Assert.All(done, o => Assert.Equal(OrderStatus.Completed, o.Status));
        Assert.All(done, o => Assert.Equal(expected, o.Version));
        await Task.Delay(300);
        var rows = JournalRows() - before;
        output.WriteLine($"{Database.Provider} {mode}: {expected} order events per order; {rows / (double)orders:0.0} journal rows per order in all (order + stock + remembered-entity + analytics offset rows)");
    }

    private long JournalRows() => Database.CountRows("journal");
}

public sealed class EventCountOnSqlite(ITestOutputHelper output) : EventCountSpecs(output, PersistenceProvider.Sqlite);

public sealed class EventCountOnPostgreSql(ITestOutputHelper output) : EventCountSpecs(output, PersistenceProvider.PostgreSql);
