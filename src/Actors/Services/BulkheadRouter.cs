using Akka.Actor;

namespace Orders.Actors.Services;

/// <summary>
/// One supervised <see cref="ServiceGateway"/> per destination, for a service that calls many independent ones (webhook
/// receivers): a dead receiver trips and backs off alone, and never delays another. Destinations idle for a while are
/// forgotten; their gateway starts afresh when needed again.
/// </summary>
public sealed class BulkheadRouter : ReceiveActor, IWithTimers
{
    private sealed record SweepIdle;

    private readonly string _service;
    private readonly Func<IServiceRequest, string> _destinationOf;
    private readonly IServiceHandler _handler;
    private readonly SupervisionSettings _settings;
    private readonly TimeSpan _idleAfter;
    private readonly IServiceObserver? _metrics;
    private readonly Dictionary<string, (IActorRef Gateway, DateTimeOffset LastUsed)> _gateways = new();
    private readonly Dictionary<IActorRef, string> _destinations = new();
    private long _created;

    public ITimerScheduler Timers { get; set; } = null!;

    public BulkheadRouter(string service, Func<IServiceRequest, string> destinationOf, IServiceHandler handler, SupervisionSettings settings, TimeSpan idleAfter,
        IServiceObserver? metrics)
    {
        _metrics = metrics;
        _service = service;
        _destinationOf = destinationOf;
        _handler = handler;
        _settings = settings;
        _idleAfter = idleAfter;

        Receive<IServiceRequest>(r => GatewayFor(_destinationOf(r)).Forward(r));
        Receive<GetServiceHealth>(_ => ReportHealth());
        Receive<SweepIdle>(_ => ForgetIdle());
        Receive<Terminated>(t =>
        {
            if (_destinations.Remove(t.ActorRef, out var destination)) _gateways.Remove(destination);
        });
    }

    public static Props Props(string service, Func<IServiceRequest, string> destinationOf, IServiceHandler handler, SupervisionSettings settings, TimeSpan? idleAfter = null,
        IServiceObserver? metrics = null) =>
        Akka.Actor.Props.Create(() => new BulkheadRouter(service, destinationOf, handler, settings, idleAfter ?? TimeSpan.FromMinutes(10), metrics));

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(SweepIdle), new SweepIdle(), _idleAfter / 2);

    private IActorRef GatewayFor(string destination)
    {
        var now = DateTimeOffset.UtcNow;
        if (_gateways.TryGetValue(destination, out var known))
        {
            _gateways[destination] = (known.Gateway, now);
            return known.Gateway;
        }
        var gateway = Context.ActorOf(ServiceGateway.Props($"{_service} {destination}", _handler, _settings, _metrics), $"destination-{++_created}");
        Context.Watch(gateway);
        _gateways[destination] = (gateway, now);
        _destinations[gateway] = destination;
        return gateway;
    }

    private void ForgetIdle()
    {
        var cutoff = DateTimeOffset.UtcNow - _idleAfter;
        foreach (var (destination, (gateway, lastUsed)) in _gateways.Where(g => g.Value.LastUsed < cutoff).ToList())
        {
            _gateways.Remove(destination);
            _destinations.Remove(gateway);
            Context.Unwatch(gateway);
            Context.Stop(gateway);
        }
    }

    /// <summary>One health for the service: backing off while any destination is, naming those destinations.</summary>
    private void ReportHealth()
    {
        var gateways = _gateways.Values.Select(g => g.Gateway).ToList();
        var service = _service;
        Task.WhenAll(gateways.Select(g => g.Ask<ServiceHealth>(GetServiceHealth.Instance, TimeSpan.FromSeconds(3))))
            .ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully) return (object)new ServiceHealth(service, ServiceState.Healthy, null, null, -1, 0, "some destinations did not report");
                var all = t.Result;
                var backingOff = all.Where(h => h.State == ServiceState.BackingOff).ToList();
                return new ServiceHealth(service,
                    backingOff.Count > 0 ? ServiceState.BackingOff : ServiceState.Healthy,
                    backingOff.Select(h => h.BackingOffSince).Min(),
                    backingOff.Select(h => h.RetryNoLaterThan).Max(),
                    all.Sum(h => Math.Max(0, h.RestartCount)),
                    all.Select(h => h.ConsecutiveFailures).DefaultIfEmpty(0).Max(),
                    backingOff.Count == 0 ? null
                        : $"{backingOff.Count} of {all.Length} destinations backing off: {string.Join("; ", backingOff.Take(5).Select(h => $"{h.Service} ({h.LastError})"))}");
            })
            .PipeTo(Sender);
    }
}
