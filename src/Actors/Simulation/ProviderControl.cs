using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

public static class ProviderControlProtocol
{
    /// <summary>Changes how a simulated provider behaves from now on (latency, errors, outages, slow mode).</summary>
    public sealed record ConfigureSimulation(ProviderKind Provider, SimulationSettings Settings) : IOrderSystemMessage;

    /// <summary>Makes the next <paramref name="Count"/> calls to the provider fail: deterministic faults for simulations.</summary>
    public sealed record FailNextCalls(ProviderKind Provider, int Count) : IOrderSystemMessage;

    public sealed record GetSimulations : IOrderSystemMessage
    {
        public static readonly GetSimulations Instance = new();
    }

    public sealed record Simulations(IReadOnlyDictionary<ProviderKind, SimulationSettings> Settings) : IOrderSystemMessage;

    public sealed record SimulationRejected(ProviderKind Provider, string Reason) : IOrderSystemMessage;
}

/// <summary>The run-time switchboard for fault injection, used by simulations and the CLI.</summary>
public sealed class ProviderControl : ReceiveActor
{
    public ProviderControl(SimulatedProviders providers)
    {
        Receive<ProviderControlProtocol.ConfigureSimulation>(c =>
        {
            try
            {
                providers.Configure(c.Provider, c.Settings);
                Sender.Tell(Snapshot(providers));
            }
            catch (ArgumentException e)
            {
                Sender.Tell(new ProviderControlProtocol.SimulationRejected(c.Provider, e.Message));
            }
        });
        Receive<ProviderControlProtocol.FailNextCalls>(f =>
        {
            if (f.Count < 0)
            {
                Sender.Tell(new ProviderControlProtocol.SimulationRejected(f.Provider, "the number of calls to fail must not be negative"));
                return;
            }
            providers.Simulations[f.Provider].FailNextCalls(f.Count);
            Sender.Tell(Snapshot(providers));
        });
        Receive<ProviderControlProtocol.GetSimulations>(_ => Sender.Tell(Snapshot(providers)));
    }

    public static Props Props(SimulatedProviders providers) => Akka.Actor.Props.Create(() => new ProviderControl(providers));

    private static ProviderControlProtocol.Simulations Snapshot(SimulatedProviders providers) =>
        new(providers.Simulations.ToDictionary(kv => kv.Key, kv => kv.Value.Settings));
}
