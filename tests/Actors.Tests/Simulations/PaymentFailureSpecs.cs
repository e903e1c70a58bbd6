using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

/// <summary>The synchronous leg: timeouts, retries with backoff, no retry on a decline, fail fast while payment is down.</summary>
public abstract class PaymentFailureSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    protected override SimulatedProviders CreateProviders() => SimulatedProviders.Instant();

    protected override void Configure(OrderSystemOptions options)
    {
        options.Order = OrderNode.FastOrderSettings with { PaymentTimeout = TimeSpan.FromMilliseconds(300) };
        options.Supervision = options.Supervision with { TripAfterConsecutiveFailures = 3, MinBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromSeconds(10) };
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Node.SetStockAsync("SKU-1", 100);
    }

    [Fact]
    public async Task A_decline_is_final_and_never_retried()
    {
        var id = TestOrders.NewId();
        var view = await Node.PlaceAsync(id, TestOrders.Details(token: "tok_decline_insufficient_funds"), ResponseMode.Hybrid);

        Assert.Equal(OrderStatus.PaymentDeclined, view.Status);
        Assert.Contains("declined", view.Reason);
        Assert.Equal(1, Providers.Payment.AuthorizeCalls);
        Assert.Equal(0, Providers.Payment.TotalCharges);
    }

    [Fact]
    public async Task A_payment_that_keeps_timing_out_is_retried_then_rejected_and_voided()
    {
        // Far longer than three 300 ms attempts and their backoff, even on a loaded machine: an answer that lands
        // before the last attempt is (rightly) taken, and the test would see a confirmed order.
        Providers.Configure(ProviderKind.Payment, new SimulationSettings(LatencyMs: 4000));
        var id = TestOrders.NewId();
        var view = await Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid);

        Assert.Equal(OrderStatus.Rejected, view.Status);
        Assert.Contains("after 3 attempts", view.Reason);
        Assert.Contains("no answer within 300 ms", view.Reason);

        // The slow call may still land at the provider: the void by the same key makes sure nothing stays charged.
        Providers.Configure(ProviderKind.Payment, SimulationSettings.Instant);
        await Eventually(async () => (await Node.GetViewAsync(id)).Steps.Any(s => s.Step == "refund-payment" && s.Status == StepStatus.Succeeded), "the payment is voided");
        await Task.Delay(4200);
        Assert.Equal(0, Providers.Payment.NetCharges);
    }

    [Fact]
    public async Task A_transient_error_is_retried_and_the_order_confirms()
    {
        Providers.Payment.Simulation.FailNextCalls(2);
        var view = await Node.PlaceAsync(TestOrders.NewId(), TestOrders.Details(), ResponseMode.Hybrid);

        Assert.Equal(OrderStatus.Confirmed, view.Status);
        Assert.Equal(3, Providers.Payment.AuthorizeCalls);
        Assert.Equal(1, Providers.Payment.TotalCharges);
    }

    [Fact]
    public async Task While_the_payment_provider_is_down_callers_fail_fast_without_reaching_it()
    {
        Providers.Configure(ProviderKind.Payment, SimulationSettings.Instant.WithOutage(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
        var first = await Node.PlaceAsync(TestOrders.NewId(), TestOrders.Details(), ResponseMode.Hybrid);
        Assert.Equal(OrderStatus.Rejected, first.Status);

        var payment = Node.Registry.Get<ActorKeys.Payment>();
        await Eventually(async () => OrderNode.Expect<ServiceHealth>(await Node.AskAsync(payment, GetServiceHealth.Instance)).State == ServiceState.BackingOff, "payment backs off");
        var callsBefore = Providers.Payment.AuthorizeCalls;

        var view = await Node.PlaceAsync(TestOrders.NewId(), TestOrders.Details(), ResponseMode.Hybrid);

        Assert.Equal(OrderStatus.Rejected, view.Status);
        Assert.StartsWith("payment service unavailable", view.Reason);
        Assert.Equal(callsBefore, Providers.Payment.AuthorizeCalls);
    }
}

public sealed class PaymentFailureOnSqlite() : PaymentFailureSpecs(PersistenceProvider.Sqlite);

public sealed class PaymentFailureOnPostgreSql() : PaymentFailureSpecs(PersistenceProvider.PostgreSql);
