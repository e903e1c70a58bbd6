using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using Orders.Actors.Tests.Support;

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
/// orders' timers are a minute long, so only the supervisor's release can send the emails within the test.
/// </summary>
public sealed class EmailRecoverySpecs : SimulationBase
{
    protected override void Configure(OrderSystemOptions options) =>
        options.Order = OrderNode.FastOrderSettings with { StepBackoffMin = TimeSpan.FromMinutes(1), StepBackoffMax = TimeSpan.FromMinutes(1), StepAckTimeout = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Emails_held_during_an_outage_are_sent_as_soon_as_the_provider_recovers()
    {
        await Node.SetStockAsync("SKU-1", 100);
        var outage = TimeSpan.FromSeconds(3);
        var outageEnds = DateTimeOffset.UtcNow + outage;
        Providers.Configure(ProviderKind.Email, Providers.Email.Simulation.Settings.WithOutage(DateTimeOffset.UtcNow, outage));

        var ids = Enumerable.Range(0, 30).Select(_ => TestOrders.NewId()).ToList();
        await Task.WhenAll(ids.Select(id => Node.PlaceAsync(id, TestOrders.Details(), ResponseMode.Hybrid)));

        var finished = await Task.WhenAll(ids.Select(id => Node.WaitForTerminalAsync(id, TimeSpan.FromSeconds(40))));
        Assert.All(finished, o => Assert.Equal(OrderStatus.Completed, o.Status));
        Assert.All(ids, id => Assert.Equal(1, Providers.Email.DeliveriesFor($"{id}/send-confirmation")));
        var lastSent = finished.Max(o => o.UpdatedAt);
        Assert.True(lastSent - outageEnds < TimeSpan.FromSeconds(30), $"the last email went out {(lastSent - outageEnds).TotalSeconds:0.0} s after the outage");
    }
}

public sealed class EmailOutageOnSqlite() : EmailOutageSpecs(PersistenceProvider.Sqlite);

public sealed class EmailOutageOnPostgreSql() : EmailOutageSpecs(PersistenceProvider.PostgreSql);
