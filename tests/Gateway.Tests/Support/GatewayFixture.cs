using Orders.Actors.Providers;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Support;

/// <summary>One gateway shared by a test class: the chapter's latencies at a tenth (payment 40 ms, email 80 ms...).</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public GatewayServer Server { get; private set; } = null!;

    public static SimulatedProviders ScaledSeed(double scale = 0.1) =>
        new(kind => SimulationSettings.SeedDefault(kind) with { LatencyMs = SimulationSettings.SeedDefault(kind).LatencyMs * scale });

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync(ScaledSeed());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
