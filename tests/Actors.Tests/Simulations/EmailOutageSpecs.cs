using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

/// <summary>The seed's "one email service outage broke the entire flow" - and how the hybrid design shrugs it off.</summary>
public abstract class EmailOutageSpecs(PersistenceProvider provider) : SimulationBase(provider)
{
    [Fact]
    public async Task Orders_confirm_during_an_email_outage_and_their_emails_go_out_after_it()
    {
        await Node.SetStockAsync("SKU-1", 100);
        var outage = TimeSpan.FromSeconds(3);
        Providers.Configure(ProviderKind.Email, Providers.Email.Simulation.Settings.WithOutage(DateTimeOffset.UtcNow, outage));

        var ids = Enumerable.Range(0, 10).Select(_ => TestOrders.NewId()).ToList();
        var replies = await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid)));
        Assert.All(replies, r => Assert.Equal(OrderStatus.Confirmed, r.Status));

        var email = Node.Registry.Get<ActorKeys.Email>();
        ServiceHealth? backingOff = null;
        await Eventually(async () =>
        {
            var health = OrderNode.Expect<ServiceHealth>(await Node.AskAsync(email, GetServiceHealth.Instance));
            if (health.State == ServiceState.BackingOff) backingOff = health;
            return backingOff is not null;
        }, "the email supervisor backs off");
        Assert.NotNull(backingOff!.RetryNoLaterThan);
        Assert.True(backingOff.RetryNoLaterThan > backingOff.BackingOffSince);
        Assert.Contains("outage", backingOff.LastError);

        var finished = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30))));
        Assert.All(finished, o => Assert.Equal(OrderStatus.Completed, o.Status));
        Assert.All(ids, id => Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-confirmation")));
        Assert.True(Providers.Email.Calls > ids.Count, "the outage should have cost failed email calls");

        var recovered = OrderNode.Expect<ServiceHealth>(await Node.AskAsync(email, GetServiceHealth.Instance));
        Assert.Equal(ServiceState.Healthy, recovered.State);
        Assert.True(recovered.RestartCount >= 1, $"restart count {recovered.RestartCount}");
    }
}

/// <summary>
/// Waiting work goes out when the provider is back, not when each order's own redelivery timer next fires: here the
/// orders' timers are a minute long, so only the service's wake-up can send the emails within the test. Three orders
/// fail fewer calls than trip the supervisor (the gateway probes on its own); thirty trip it (its restart probes).
/// </summary>
public sealed class EmailRecoverySpecs : SimulationBase
{
    protected override void Configure(OrderSystemOptions options) =>
        options.Order = OrderNode.FastOrderSettings with { StepBackoffMin = TimeSpan.FromMinutes(1), StepBackoffMax = TimeSpan.FromMinutes(1), StepAckTimeout = TimeSpan.FromMinutes(1) };

    [Theory]
    [InlineData(3)]
    [InlineData(30)]
    public async Task Every_email_held_during_an_outage_is_sent_within_a_second_of_the_providers_first_success(int orders)
    {
        await Node.SetStockAsync("SKU-1", 100);
        var outage = TimeSpan.FromSeconds(3);
        var outageEnds = DateTimeOffset.UtcNow + outage;
        Providers.Configure(ProviderKind.Email, Providers.Email.Simulation.Settings.WithOutage(DateTimeOffset.UtcNow, outage));

        var ids = Enumerable.Range(0, orders).Select(_ => TestOrders.NewId()).ToList();
        await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid)));

        var finished = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id, TimeSpan.FromSeconds(40))));
        Assert.All(finished, o => Assert.Equal(OrderStatus.Completed, o.Status));
        Assert.All(ids, id => Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-confirmation")));
        var delivered = ids.Select(id => Providers.Email.DeliveredAt($"{id}/send-confirmation")!.Value).ToList();
        var (first, last) = (delivered.Min(), delivered.Max());
        Assert.True(first >= outageEnds, "an email went out during the outage");
        // A provider call takes 80 ms here; the rest is the wake-up reaching every order and their sends.
        Assert.True(last - first <= TimeSpan.FromSeconds(1),
            $"the last email went out {(last - first).TotalMilliseconds:0} ms after the provider's first success ({(first - outageEnds).TotalSeconds:0.0} s after the outage)");
        // The probes: the provider is found back within the longest backoff (2 s, +20 % jitter) plus a probe interval.
        Assert.True(first - outageEnds < TimeSpan.FromSeconds(4), $"the first email after the outage went out {(first - outageEnds).TotalSeconds:0.0} s after it");
    }
}

public sealed class EmailOutageOnSqlite() : EmailOutageSpecs(PersistenceProvider.Sqlite);

public sealed class EmailOutageOnPostgreSql() : EmailOutageSpecs(PersistenceProvider.PostgreSql);
