using System.Net.Http.Json;
using Akka.Actor;
using Grpc.Core;
using Orders.Actors.Providers;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Admin;

/// <summary>
/// Where `faults` act: this node's own simulated providers, or the shared provider simulator that every node of a
/// cluster calls (Orders:ProviderSimulatorUrl), so one command changes the outside world for the whole cluster.
/// </summary>
public interface IFaultControl
{
    Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> GetAsync(CancellationToken ct);

    /// <summary>The settings of every provider after the change; a refused change is <c>INVALID_ARGUMENT</c>.</summary>
    Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> SetAsync(ProviderKind kind, SimulationSettings settings, CancellationToken ct);
}

public sealed class LocalFaultControl(IActorRef control, TimeSpan timeout) : IFaultControl
{
    public async Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> GetAsync(CancellationToken ct) =>
        Settings(await control.Ask<object>(ProviderControlProtocol.GetSimulations.Instance, timeout, ct));

    public async Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> SetAsync(ProviderKind kind, SimulationSettings settings, CancellationToken ct) =>
        Settings(await control.Ask<object>(new ProviderControlProtocol.ConfigureSimulation(kind, settings), timeout, ct));

    private static IReadOnlyDictionary<ProviderKind, SimulationSettings> Settings(object reply) => reply switch
    {
        ProviderControlProtocol.Simulations s => s.Settings,
        ProviderControlProtocol.SimulationRejected r => throw FaultRefused(r.Reason),
        _ => throw new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, $"unexpected answer {reply.GetType().Name}")),
    };

    internal static RpcException FaultRefused(string reason) => new(new global::Grpc.Core.Status(StatusCode.InvalidArgument, reason));
}

public sealed class SimulatorFaultControl(HttpClient simulator) : IFaultControl
{
    public async Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> GetAsync(CancellationToken ct)
    {
        try
        {
            return await simulator.GetFromJsonAsync<Dictionary<ProviderKind, SimulationSettings>>(ProviderWire.Simulations, ct)
                   ?? throw Unavailable("answered nothing");
        }
        catch (HttpRequestException e)
        {
            throw Unavailable(e.Message);
        }
    }

    public async Task<IReadOnlyDictionary<ProviderKind, SimulationSettings>> SetAsync(ProviderKind kind, SimulationSettings settings, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await simulator.PutAsJsonAsync($"{ProviderWire.Simulations}/{kind.ToString().ToLowerInvariant()}", settings, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable(e.Message);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await response.Content.ReadFromJsonAsync<ProviderWire.ErrorReply>(ct);
                throw LocalFaultControl.FaultRefused(error?.Error ?? $"the provider simulator answered {(int)response.StatusCode}");
            }
        }
        return await GetAsync(ct);
    }

    private RpcException Unavailable(string why) =>
        new(new global::Grpc.Core.Status(StatusCode.Unavailable, $"the provider simulator at {simulator.BaseAddress} did not answer: {why}"));
}
