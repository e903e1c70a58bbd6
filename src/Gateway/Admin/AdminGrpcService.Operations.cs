using Akka.Actor;
using Grpc.Core;
using Orders.Actors.Analytics;
using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Gateway.Errors;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Admin;

/// <summary>Supervised services, fault injection, stock and analytics.</summary>
public sealed partial class AdminGrpcService
{
    public override Task<AdminV1.ShowServicesReply> ShowServices(AdminV1.ShowServicesRequest request, ServerCallContext context) => Call(async () =>
    {
        var supervised = new (string Name, IActorRef? Actor)[]
        {
            ("payment", Registered<ActorKeys.Payment>()), ("warehouse", Registered<ActorKeys.Warehouse>()),
            ("email", Registered<ActorKeys.Email>()), ("analytics", Registered<ActorKeys.AnalyticsService>()), ("webhooks", Registered<ActorKeys.Webhooks>()),
        };
        var healths = await Task.WhenAll(supervised.Where(s => s.Actor is not null)
            .Select(s => s.Actor!.Ask<ServiceHealth>(GetServiceHealth.Instance, AskTimeout, context.CancellationToken)));
        var reply = new AdminV1.ShowServicesReply { Node = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString() };
        reply.Services.AddRange(healths.Select(h => new AdminV1.ServiceHealth
        {
            Service = h.Service, State = h.State == ServiceState.Healthy ? "healthy" : "backing_off",
            BackingOffSince = Stamp(h.BackingOffSince), RetryNoLaterThan = Stamp(h.RetryNoLaterThan),
            RestartCount = h.RestartCount, ConsecutiveFailures = h.ConsecutiveFailures, LastError = h.LastError ?? "",
        }));
        return reply;
    });

    public override Task<AdminV1.FaultsReply> ShowFaults(AdminV1.ShowFaultsRequest request, ServerCallContext context) =>
        Call(async () => Faults(await FaultControl().GetAsync(context.CancellationToken)));

    public override Task<AdminV1.FaultsReply> SetFault(AdminV1.SetFaultRequest request, ServerCallContext context) => Call(async () =>
    {
        var control = FaultControl();
        var kind = Provider(request.Provider);
        var settings = (await control.GetAsync(context.CancellationToken))[kind];
        if (request.HasLatencyMs) settings = settings with { LatencyMs = request.LatencyMs };
        if (request.HasJitterMs) settings = settings with { JitterMs = request.JitterMs };
        if (request.HasErrorRate) settings = settings with { ErrorRate = request.ErrorRate };
        if (request.HasSlowLatencyMs) settings = settings with { SlowLatencyMs = request.SlowLatencyMs > 0 ? request.SlowLatencyMs : null };
        if (request.HasOutageSeconds)
        {
            if (!double.IsFinite(request.OutageSeconds) || request.OutageSeconds <= 0 || request.OutageSeconds > SimulationSettings.MaxOutage.TotalSeconds)
                throw Invalid("outage_seconds", $"must be a number of seconds from 1 to {SimulationSettings.MaxOutage.TotalSeconds:0}");
            settings = settings.WithOutage(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(request.OutageSeconds));
        }
        var problems = settings.Validate();
        if (problems.Count > 0) throw OrderApiExceptionFor(problems);
        return Faults(await control.SetAsync(kind, settings, context.CancellationToken));
    });

    /// <summary>Back to the node's simulation profile: no errors, no outages, not slow, the profile's latency.</summary>
    public override Task<AdminV1.FaultsReply> ClearFaults(AdminV1.ClearFaultsRequest request, ServerCallContext context) => Call(async () =>
    {
        var control = FaultControl();
        var kinds = string.IsNullOrEmpty(request.Provider) ? Enum.GetValues<ProviderKind>() : [Provider(request.Provider)];
        IReadOnlyDictionary<ProviderKind, SimulationSettings> reply = null!;
        foreach (var kind in kinds)
        {
            var baseline = orders.SimulationProfile.Equals("instant", StringComparison.OrdinalIgnoreCase) ? SimulationSettings.Instant : SimulationSettings.SeedDefault(kind);
            reply = await control.SetAsync(kind, baseline, context.CancellationToken);
        }
        return Faults(reply);
    });

    public override Task<AdminV1.StockReply> ShowStock(AdminV1.StockRequest request, ServerCallContext context) =>
        Call(async () => Stock(await application.GetStockAsync(request.Sku, context.CancellationToken)));

    public override Task<AdminV1.StockReply> SetStock(AdminV1.SetStockRequest request, ServerCallContext context) =>
        Call(async () => Stock(await application.SetStockAsync(request.Sku, request.Units, context.CancellationToken)));

    public override Task<AdminV1.AnalyticsReply> ShowAnalytics(AdminV1.ShowAnalyticsRequest request, ServerCallContext context) => Call(async () =>
        Analytics(await AnalyticsProjection().Ask<AnalyticsState>(GetAnalytics.Instance, AskTimeout, context.CancellationToken)));

    public override Task<AdminV1.AnalyticsReply> ReplayAnalytics(AdminV1.ReplayAnalyticsRequest request, ServerCallContext context) => Call(async () =>
    {
        if (request.FromOffset < 0) throw Invalid("from_offset", "must be 0 (the start of the event stream) or a later offset");
        return Analytics(await AnalyticsProjection().Ask<AnalyticsState>(new ReplayAnalyticsFrom(request.FromOffset), AskTimeout, context.CancellationToken));
    });

    private IActorRef AnalyticsProjection() => Registered<ActorKeys.AnalyticsProjection>() ?? throw Precondition("this node runs no analytics projection");

    private IFaultControl FaultControl() =>
        (IFaultControl?)services.GetService<SimulatorFaultControl>()
        ?? (Registered<ActorKeys.ProviderControl>() is { } control ? new LocalFaultControl(control, AskTimeout) : null)
        ?? throw Precondition("fault injection is off on this node (Orders:Simulations:Enabled is false)");

    private static ProviderKind Provider(string name) =>
        Enum.TryParse<ProviderKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(name, out _)
            ? kind
            : throw Invalid("provider", $"'{name}' is not a provider: use one of {string.Join(", ", Enum.GetNames<ProviderKind>().Select(n => n.ToLowerInvariant()))}");

    private static Exception OrderApiExceptionFor(IReadOnlyList<Orders.Actors.Orders.FieldViolation> problems) =>
        Orders.Gateway.Grpc.OrderGrpcService.ToRpcException(Errors.OrderApiException.Invalid(problems));

    private static AdminV1.FaultsReply Faults(IReadOnlyDictionary<ProviderKind, SimulationSettings> settings)
    {
        var faults = new AdminV1.FaultsReply();
        foreach (var (kind, s) in settings.OrderBy(kv => kv.Key))
        {
            var provider = new AdminV1.ProviderFaults
            {
                Provider = kind.ToString().ToLowerInvariant(), LatencyMs = s.LatencyMs, JitterMs = s.JitterMs, ErrorRate = s.ErrorRate, SlowLatencyMs = s.SlowLatencyMs ?? 0,
            };
            provider.Outages.AddRange((s.Outages ?? []).Where(w => w.Until > DateTimeOffset.UtcNow)
                .Select(w => new AdminV1.OutageWindow { From = Stamp(w.From), Until = Stamp(w.Until) }));
            faults.Providers.Add(provider);
        }
        return faults;
    }

    private static AdminV1.StockReply Stock(Orders.Actors.Inventory.InventoryCommands.StockLevel level) =>
        new() { Sku = level.Sku, Available = level.Available, Allocated = level.Allocated, AllocatingOrders = level.AllocatingOrders };

    private static AdminV1.AnalyticsReply Analytics(AnalyticsState a)
    {
        var reply = new AdminV1.AnalyticsReply
        {
            Offset = a.Offset, EventsSeen = a.EventsSeen, Authorized = a.Authorized, Completed = a.Completed, Cancelled = a.Cancelled,
            Declined = a.Declined, Rejected = a.Rejected, ParkedSteps = a.ParkedSteps,
        };
        reply.PlacedByMode.Add(a.PlacedByMode);
        reply.RevenueMinorByCurrency.Add(a.RevenueMinorByCurrency);
        return reply;
    }
}
