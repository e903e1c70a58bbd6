using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Simulations;

/// <summary>A real node on its own SQLite file; subclasses choose the outside world it talks to.</summary>
public abstract class SimulationBase(PersistenceProvider provider = PersistenceProvider.Sqlite) : IAsyncLifetime
{
    protected TestDatabase Database { get; } = new(provider);
    protected OrderNode Node { get; set; } = null!;
    protected SimulatedProviders Providers { get; private set; } = null!;

    protected virtual SimulatedProviders CreateProviders() => TestOrders.ScaledSeedProviders();

    protected virtual void Configure(OrderSystemOptions options) { }

    public virtual async Task InitializeAsync()
    {
        Providers = CreateProviders();
        Node = await StartNodeAsync();
    }

    protected Task<OrderNode> StartNodeAsync() => OrderNode.StartAsync(Database, Providers, Configure);

    /// <summary>Crashes the node and starts a fresh one on the same database and the same outside world.</summary>
    protected async Task RestartAfterCrashAsync()
    {
        await Node.CrashAsync();
        Node = await StartNodeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Database.Dispose();
    }

    protected static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"never happened: {what}");
            await Task.Delay(50);
        }
    }
}
