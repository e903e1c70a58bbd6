using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orders.Actors.Providers;
using Orders.Gateway.Tests.Support;

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
    public async Task A_node_calling_the_shared_simulator_sends_changes_there()
    {
        await using var server = await GatewayServer.StartAsync(settings: "--Orders:ProviderSimulatorUrl=http://127.0.0.1:5390");
        using var put = await server.Http.PutAsync("/v1/simulations/email", Json("""{"latency_ms":800}"""));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Contains("PUT http://127.0.0.1:5390/simulations/email", await put.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
