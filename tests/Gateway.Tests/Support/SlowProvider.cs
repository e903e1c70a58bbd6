using Orders.Actors.Providers;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Support;

public static class SlowProvider
{
    /// <summary>One provider answers after <paramref name="latency"/> until the returned handle is disposed, then as before.</summary>
    public static IDisposable Slow(this SimulatedProviders providers, ProviderKind kind, TimeSpan latency)
    {
        var before = providers.Simulations[kind].Settings;
        providers.Configure(kind, before with { LatencyMs = latency.TotalMilliseconds });
        return new Restore(() => providers.Configure(kind, before));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
