using Orders.Actors.Analytics;
using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Simulations;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Analytics;

/// <summary>"Event streams can be replayed; each consumer keeps its position."</summary>
public abstract class AnalyticsProjectionSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    private const int Orders = 20;

    protected override SimulatedProviders CreateProviders() =>
        new(kind => kind == ProviderKind.Analytics ? new SimulationSettings(300) : SimulationSettings.Instant);

    protected override void Configure(OrderSystemOptions options) =>
        options.Analytics = new AnalyticsSettings { BatchSize = 10, BatchWindow = TimeSpan.FromMilliseconds(20), SnapshotEveryBatches = 3 };

    private async Task<AnalyticsState> AnalyticsAsync() =>
        OrderNode.Expect<AnalyticsState>(await Node.AskAsync(Node.Registry.Get<ActorKeys.AnalyticsProjection>(), GetAnalytics.Instance));

    private async Task<int> PlaceCompletedOrdersAsync()
    {
        await Node.SetStockAsync("SKU-A", 1000);
        var ids = Enumerable.Range(0, Orders).Select(_ => TestOrders.NewId()).ToList();
        var done = await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details("SKU-A", unitPrice: 250), ResponseMode.Sync)));
        Assert.All(done, o => Assert.Equal(OrderStatus.Completed, o.Status));
        return done.Sum(o => o.Version > 0 ? (int)o.Version : 0);
    }

    [Fact]
    public async Task A_consumer_restarted_mid_stream_resumes_from_its_offset_without_double_counting()
    {
        var events = await PlaceCompletedOrdersAsync();
        await Eventually(async () => (await AnalyticsAsync()).EventsSeen > 0, "the consumer starts counting");
        // Hold the consumer mid-stream, however slow this machine is: its provider goes down until after the crash.
        var normal = Providers.Simulations[ProviderKind.Analytics].Settings;
        Providers.Configure(ProviderKind.Analytics, normal.WithOutage(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var before = await AnalyticsAsync();
        Assert.True(before.EventsSeen < events, $"expected to crash mid-stream, but {before.EventsSeen} of {events} events were already counted");

        await RestartAfterCrashAsync();
        Providers.Configure(ProviderKind.Analytics, normal);

        await Eventually(async () => (await AnalyticsAsync()).EventsSeen >= events, "the consumer catches up", TimeSpan.FromSeconds(40));
        await Task.Delay(500);
        var after = await AnalyticsAsync();
        Assert.Equal(events, after.EventsSeen);
        Assert.Equal(Orders, after.Placed);
        Assert.Equal(Orders, after.Completed);
        Assert.Equal(Orders * 250, after.RevenueMinorByCurrency["EUR"]);
        Assert.True(after.Offset >= before.Offset);
        Assert.Equal(Orders, Providers.Analytics.RecordCount);
    }

    [Fact]
    public async Task Replaying_from_the_start_rebuilds_the_same_figures()
    {
        var events = await PlaceCompletedOrdersAsync();
        await Eventually(async () => (await AnalyticsAsync()).EventsSeen >= events, "the consumer catches up", TimeSpan.FromSeconds(40));
        var first = await AnalyticsAsync();

        var reset = OrderNode.Expect<AnalyticsState>(await Node.AskAsync(Node.Registry.Get<ActorKeys.AnalyticsProjection>(), new ReplayAnalyticsFrom(0)));
        Assert.Equal(0, reset.EventsSeen);

        await Eventually(async () => (await AnalyticsAsync()).EventsSeen >= events, "the replay catches up", TimeSpan.FromSeconds(40));
        var replayed = await AnalyticsAsync();
        Assert.Equal(first.EventsSeen, replayed.EventsSeen);
        Assert.Equal(first.Completed, replayed.Completed);
        Assert.Equal(first.Offset, replayed.Offset);
        Assert.Equal(first.RevenueMinorByCurrency["EUR"], replayed.RevenueMinorByCurrency["EUR"]);
    }
}

public sealed class AnalyticsProjectionOnSqlite() : AnalyticsProjectionSpecs(PersistenceProvider.Sqlite);

public sealed class AnalyticsProjectionOnPostgreSql() : AnalyticsProjectionSpecs(PersistenceProvider.PostgreSql);
