using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>Fault injection over REST: what the benchmarks and operators use to rehearse outages and slow providers.</summary>
public sealed class SimulationRestSpecs
{
    [Fact]
    public async Task A_simulation_change_applies_to_the_providers_and_bad_ones_change_nothing()
    {
        var providers = SimulatedProviders.Instant();
        await using var server = await GatewayServer.StartAsync(providers);

        using var put = await server.Http.PutAsync("/v1/simulations/payment", Json("""{"latency_ms":400,"slow_latency_ms":10000,"error_rate":0.1}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(new SimulationSettings(400, ErrorRate: 0.1, SlowLatencyMs: 10000), providers.Simulations[ProviderKind.Payment].Settings);
        var all = await server.Http.GetFromJsonAsync<JsonElement>("/v1/simulations");
        Assert.Equal(10000, all.GetProperty("payment").GetProperty("slow_latency_ms").GetDouble());

        using var unknown = await server.Http.PutAsync("/v1/simulations/fax", Json("""{"latency_ms":1}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("provider must be one of payment", await unknown.Content.ReadAsStringAsync());

        using var negative = await server.Http.PutAsync("/v1/simulations/email", Json("""{"latency_ms":-5}"""));
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Contains("latency_ms", await negative.Content.ReadAsStringAsync());
        Assert.Equal(SimulationSettings.Instant, providers.Simulations[ProviderKind.Email].Settings);
    }

    [Fact]
    public async Task A_node_calling_the_shared_simulator_simulates_nothing_itself_and_points_there()
    {
        await using var server = await GatewayServer.StartAsync(settings: "--Orders:ProviderSimulatorUrl=http://127.0.0.1:5390");
        using var put = await server.Http.PutAsync("/v1/simulations/email", Json("""{"latency_ms":800}"""));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Contains("PUT http://127.0.0.1:5390/simulations/email", await put.Content.ReadAsStringAsync());
        using var get = await server.Http.GetAsync("/v1/simulations");
        Assert.Equal(HttpStatusCode.Conflict, get.StatusCode);
        Assert.Contains("GET http://127.0.0.1:5390/simulations", await get.Content.ReadAsStringAsync());

        // No second outside world on the node: no fault-injection actor, no simulated latency in front of the SKUs, no
        // local simulated providers, so nothing shown or set on the node differs from what is in force at the simulator.
        var registry = ActorRegistry.For(server.Services.GetRequiredService<ActorSystem>());
        Assert.False(registry.TryGet<ActorKeys.ProviderControl>(out _));
        Assert.Equal(registry.Get<ActorKeys.Inventory>(), registry.Get<ActorKeys.InventorySteps>());
        Assert.Null(server.Services.GetService<SimulatedProviders>());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
