using Akka.Hosting;
using Orders.Actors.Simulation;

namespace Orders.Actors.Hosting;

/// <summary>
/// The simulated outside world, plugged into a node that simulates it in process: fault injection
/// (<see cref="ProviderControl"/>) and the simulated inventory latency in front of the SKU entities. The order
/// system itself (<see cref="OrderSystemHosting.AddOrderSystem"/>) knows no simulation type.
/// </summary>
public static class SimulationHosting
{
    /// <summary>Call after <see cref="OrderSystemHosting.AddOrderSystem"/>, with the simulations whose clients it was given.</summary>
    public static AkkaConfigurationBuilder AddSimulations(this AkkaConfigurationBuilder builder, SimulatedProviders simulations) =>
        builder.WithActors((system, registry) =>
        {
            registry.Register<ActorKeys.ProviderControl>(system.ActorOf(ProviderControl.Props(simulations), "provider-control"));
            var inventory = registry.Get<ActorKeys.Inventory>();
            registry.Register<ActorKeys.InventorySteps>(
                system.ActorOf(SimulatedInventoryLatency.Props(inventory, simulations.Inventory), "simulated-inventory-latency"), overwrite: true);
        });

    public static AkkaConfigurationBuilder AddSimulationsIfAny(this AkkaConfigurationBuilder builder, SimulatedProviders? simulations) =>
        simulations is null ? builder : builder.AddSimulations(simulations);

    /// <summary>The simulated outside world for a profile name ("seed" or "instant").</summary>
    public static SimulatedProviders ProvidersFor(string profile) => profile.ToLowerInvariant() switch
    {
        "seed" => new SimulatedProviders(),
        "instant" => SimulatedProviders.Instant(),
        _ => throw new ArgumentException($"unknown simulation profile '{profile}'; use 'seed' or 'instant'"),
    };
}
