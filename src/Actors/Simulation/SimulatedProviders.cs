using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

/// <summary>
/// The simulated outside world. It lives outside the actor system on purpose: a test can stop a node and start
/// another against the same providers, as a real restart keeps talking to the same Stripe account.
/// </summary>
public sealed class SimulatedProviders
{
    public SimulatedProviders(Func<ProviderKind, SimulationSettings>? settings = null, TimeProvider? clock = null)
    {
        settings ??= SimulationSettings.SeedDefault;
        Simulations = Enum.GetValues<ProviderKind>().ToDictionary(k => k, k => new ProviderSimulation(k, settings(k), clock));
        Payment = new SimulatedPaymentProvider(Simulations[ProviderKind.Payment]);
        Warehouse = new SimulatedWarehouseProvider(Simulations[ProviderKind.Warehouse]);
        Email = new SimulatedEmailProvider(Simulations[ProviderKind.Email]);
        Analytics = new SimulatedAnalyticsProvider(Simulations[ProviderKind.Analytics]);
    }

    public static SimulatedProviders Instant() => new(_ => SimulationSettings.Instant);

    public IReadOnlyDictionary<ProviderKind, ProviderSimulation> Simulations { get; }
    public SimulatedPaymentProvider Payment { get; }
    public SimulatedWarehouseProvider Warehouse { get; }
    public SimulatedEmailProvider Email { get; }
    public SimulatedAnalyticsProvider Analytics { get; }
    public ProviderSimulation Inventory => Simulations[ProviderKind.Inventory];
    public ProviderClients Clients => new(Payment, Warehouse, Email, Analytics);

    public ProviderWire.LedgerReply Ledger() => new(
        Payment.AuthorizeCalls, Payment.TotalCharges, Payment.TotalRefunds, Payment.DuplicateCharges,
        Email.Calls, Email.Sent.Count, Warehouse.Calls, Warehouse.ActiveShipments, Analytics.RecordCount);

    public void Configure(ProviderKind kind, SimulationSettings settings) => Simulations[kind].Configure(settings);
}
