using Orders.Actors.Analytics;
using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

/// <summary>
/// "What if a consumer crashes after processing a message but before committing?" Kill the node in each state,
/// start a new one on the same database: every order finishes, every effect applied exactly once.
/// </summary>
public abstract class CrashRecoverySpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1500);

    public static TheoryData<OrderStatus> States => new() { OrderStatus.PaymentPending, OrderStatus.Confirmed, OrderStatus.Fulfilling, OrderStatus.Compensating };

    [Theory]
    [MemberData(nameof(States))]
    public async Task An_order_interrupted_in_any_state_finishes_after_a_restart_with_effects_applied_once(OrderStatus crashIn)
    {
        var outOfStock = crashIn == OrderStatus.Compensating;
        await Node.SetStockAsync("SKU-C", outOfStock ? 0 : 5);
        // Make the state last: the dependency that ends it answers slowly (its effect still happens, its answer is lost).
        var slow = crashIn switch
        {
            OrderStatus.PaymentPending => ProviderKind.Payment,
            OrderStatus.Confirmed => ProviderKind.Inventory,
            _ => ProviderKind.Email,
        };
        var normal = Providers.Simulations[slow].Settings;
        Providers.Configure(slow, normal with { LatencyMs = Slow.TotalMilliseconds });

        var id = TestOrders.NewId();
        await Node.PlaceAsync(id, TestOrders.Details("SKU-C", quantity: 2), ResponseMode.Accepted);
        await Eventually(async () => (await Node.GetViewAsync(id)).Status == crashIn, $"order reaches {crashIn}");
        await Task.Delay(200); // let the slow call start

        await RestartAfterCrashAsync();
        Providers.Configure(slow, normal);

        // Nobody asks about the order: it must resume on its own (remembered entity) and finish, as the event stream shows.
        await Eventually(async () => (await AnalyticsAsync()) is var a && a.Completed + a.Cancelled == 1, "the order finishes without anyone asking", TimeSpan.FromSeconds(30));
        var done = await Node.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(1, Providers.Payment.ChargesFor(id));
        if (outOfStock)
        {
            Assert.Equal(OrderStatus.Cancelled, done.Status);
            Assert.Equal(1, Providers.Payment.RefundsFor(id));
            Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-cancellation"));
            Assert.Equal(0, Providers.Email.DeliveriesFor($"{id}/send-confirmation"));
            Assert.Equal(0, (await Node.GetStockAsync("SKU-C")).Available);
        }
        else
        {
            Assert.Equal(OrderStatus.Completed, done.Status);
            Assert.Equal(0, Providers.Payment.RefundsFor(id));
            Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-confirmation"));
            Assert.Equal(1, Providers.Warehouse.ShipmentsCreatedFor(id));
            Assert.Equal(3, (await Node.GetStockAsync("SKU-C")).Available);
        }
    }

    private async Task<AnalyticsState> AnalyticsAsync() =>
        OrderNode.Expect<AnalyticsState>(await Node.AskAsync(Node.Registry.Get<ActorKeys.AnalyticsProjection>(), GetAnalytics.Instance));

    [Fact]
    public async Task Acknowledged_orders_survive_a_crash_in_the_middle_of_a_burst()
    {
        await Node.SetStockAsync("SKU-1", 1000);
        var ids = Enumerable.Range(0, 40).Select(_ => TestOrders.NewId()).ToList();
        var acknowledged = await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Accepted)));
        Assert.Equal(ids.Count, acknowledged.Length);

        await RestartAfterCrashAsync();

        await Eventually(async () => (await AnalyticsAsync()).Completed == ids.Count, "every order finishes without anyone asking", TimeSpan.FromSeconds(40));
        var done = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id, TimeSpan.FromSeconds(40))));
        Assert.All(done, o => Assert.Equal(OrderStatus.Completed, o.Status));
        Assert.All(ids, id => Assert.Equal(1, Providers.Payment.ChargesFor(id)));
        Assert.All(ids, id => Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-confirmation")));
        Assert.Equal(1000 - ids.Count, (await Node.GetStockAsync("SKU-1")).Available);
    }
}

public sealed class CrashRecoveryOnSqlite() : CrashRecoverySpecs(PersistenceProvider.Sqlite);

public sealed class CrashRecoveryOnPostgreSql() : CrashRecoverySpecs(PersistenceProvider.PostgreSql);
