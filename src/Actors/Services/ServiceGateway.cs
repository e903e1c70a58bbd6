using Akka.Actor;
using Akka.Pattern;

namespace Orders.Actors.Services;

/// <summary>
/// The address of one external service. Its worker runs under a BackoffSupervisor; while the worker is backing
/// off, requests are answered at once with "unavailable" (the breaker is open) instead of waiting for timeouts.
/// Fire-and-forget requests that failed or were refused are remembered until the provider is back: a few of their
/// senders are asked to probe it (after each backoff, and every <see cref="SupervisionSettings.MinBackoff"/> while it
/// keeps failing and nobody else is calling it), and on the first success every one of them is told to send again at
/// once, however long its own backoff still had to run. The senders decide what is still wanted, so nothing stale or
/// parked goes out.
/// </summary>
public sealed class ServiceGateway : ReceiveActor, IWithTimers
{
    public sealed record WorkerStarted;
    public sealed record WorkerTripped(string LastError);
    public sealed record WorkerFailures(int Consecutive, string? LastError);
    /// <summary>A call succeeded after failures, or first in a worker's incarnation: the provider is back.</summary>
    public sealed record WorkerSucceeded;
    /// <summary>A call that failed transiently, or could not be made because the worker tripped; its caller was told so.</summary>
    public sealed record HoldUntilRecovered(IServiceRequest Request, IActorRef ReplyTo);
    /// <summary>Told to the worker, through its supervisor, once the gateway stopped forwarding: now it may crash.</summary>
    public sealed record Trip
    {
        public static readonly Trip Instance = new();
    }
    private sealed record ForgetTrips;
    private sealed record ProbeHeld;

    private readonly string _service;
    private readonly SupervisionSettings _settings;
    private readonly IActorRef _supervisor;
    private readonly IServiceObserver _metrics;
    private bool _workerStartedBefore;
    private DateTimeOffset? _backingOffSince;
    private DateTimeOffset? _retryNoLaterThan;
    private int _tripsInARow;
    private int _consecutiveFailures;
    private string? _lastError;
    private DateTimeOffset _lastForwardedAt;
    /// <summary>Whose requests wait for the provider, oldest first: the first ones are the next probes.</summary>
    private readonly OrderedDictionary<string, (IServiceRequest Request, IActorRef ReplyTo)> _held = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public ServiceGateway(string service, IServiceHandler handler, SupervisionSettings settings, IServiceObserver? metrics)
    {
        _service = service;
        _settings = settings;
        _metrics = metrics ?? IServiceObserver.None;
        _metrics.ServiceStarted(service);
        var options = Backoff.OnFailure(
                ServiceWorker.Props(handler, settings, Self), "worker",
                settings.MinBackoff, settings.MaxBackoff, settings.RandomFactor, maxNrOfRetries: -1)
            .WithAutoReset(settings.ResetAfter)
            // A trip is the breaker opening, expected and already logged by the worker as one warning line.
            .WithSupervisorStrategy(new OneForOneStrategy(-1, -1, Decider.From(Directive.Restart), loggingEnabled: false));
        // Fixed names: the service name is for people (it may be a URL), the gateway's own path already says which service it is.
        _supervisor = Context.ActorOf(BackoffSupervisor.Props(options), "supervisor");

        Receive<IServiceRequest>(Route);
        Receive<WorkerStarted>(_ =>
        {
            if (_workerStartedBefore) _metrics.ServiceRestarted(_service);
            _workerStartedBefore = true;
            _backingOffSince = null;
            _retryNoLaterThan = null;
            _consecutiveFailures = 0;
            Timers.StartSingleTimer(nameof(ForgetTrips), new ForgetTrips(), settings.ResetAfter);
            Probe();
        });
        Receive<WorkerSucceeded>(_ => WakeAll());
        Receive<HoldUntilRecovered>(h => Hold(h.Request, h.ReplyTo));
        Receive<ProbeHeld>(_ =>
        {
            // While backing off, the worker's restart probes; once it is healthy and failing, probing is ours - unless
            // senders are still trying on their own, which tells as much without a call beyond their attempts.
            if (_backingOffSince is not null) return;
            if (_consecutiveFailures == 0) WakeAll();
            else if (DateTimeOffset.UtcNow - _lastForwardedAt < settings.MinBackoff) ArmProbe();
            else Probe();
        });
        Receive<WorkerTripped>(t =>
        {
            Timers.Cancel(nameof(ForgetTrips));
            _tripsInARow++;
            _lastError = t.LastError;
            _backingOffSince = DateTimeOffset.UtcNow;
            _retryNoLaterThan = _backingOffSince + settings.Backoff.UpperBound(_tripsInARow);
            _metrics.ServiceTripped(_service);
            _supervisor.Tell(Trip.Instance);
        });
        Receive<WorkerFailures>(f =>
        {
            _consecutiveFailures = f.Consecutive;
            _lastError = f.LastError ?? _lastError;
        });
        Receive<ForgetTrips>(_ => _tripsInARow = 0);
        Receive<GetServiceHealth>(_ => ReportHealth());
    }

    public static Props Props(string service, IServiceHandler handler, SupervisionSettings settings, IServiceObserver? metrics = null) =>
        Akka.Actor.Props.Create(() => new ServiceGateway(service, handler, settings, metrics));

    protected override void PostStop() => _metrics.ServiceGone(_service);

    private void Route(IServiceRequest request)
    {
        if (_backingOffSince is null)
        {
            // Its sender is trying again itself: if this attempt fails too, the worker hands it back to be held.
            _held.Remove(request.IdempotencyKey);
            _lastForwardedAt = DateTimeOffset.UtcNow;
            _supervisor.Forward(request);
            return;
        }
        var replyTo = request.ReplyTarget(Sender);
        replyTo.Tell(request.Unavailable(_service, _retryNoLaterThan!.Value, _lastError));
        Hold(request, replyTo);
    }

    private void Hold(IServiceRequest request, IActorRef replyTo)
    {
        // Bounded: beyond the limit a request is simply not held, and its own redelivery (the order's timer) brings it back.
        if (!request.ReleaseWhenRecovered || (_held.Count >= _settings.HoldWhileBackingOff && !_held.ContainsKey(request.IdempotencyKey))) return;
        _held[request.IdempotencyKey] = (request, replyTo);
        if (!Timers.IsTimerActive(nameof(ProbeHeld))) ArmProbe();
    }

    private void ArmProbe() => Timers.StartSingleTimer(nameof(ProbeHeld), new ProbeHeld(), _settings.MinBackoff);

    /// <summary>
    /// Asks the senders of the oldest held requests to send them now, not counted as attempts: if one gets through,
    /// the provider is back and everyone else is woken; if they fail, they are held again and the next probe follows.
    /// </summary>
    private void Probe()
    {
        if (_held.Count == 0 || _backingOffSince is not null) return;
        for (var i = 0; i < _settings.TripAfterConsecutiveFailures && _held.Count > 0; i++)
        {
            var (request, replyTo) = _held.GetAt(0).Value;
            _held.RemoveAt(0);
            if (request.Recovered(_service, probe: true) is { } probe) replyTo.Tell(probe);
        }
        if (_held.Count > 0) ArmProbe();
    }

    /// <summary>The provider is back: every held request's sender is told to send it now.</summary>
    private void WakeAll()
    {
        if (_held.Count == 0 || _backingOffSince is not null) return;
        foreach (var (_, (request, replyTo)) in _held)
            if (request.Recovered(_service, probe: false) is { } recovered) replyTo.Tell(recovered);
        _held.Clear();
        Timers.Cancel(nameof(ProbeHeld));
    }

    private void ReportHealth()
    {
        var state = _backingOffSince is null ? ServiceState.Healthy : ServiceState.BackingOff;
        var since = _backingOffSince;
        var until = _retryNoLaterThan;
        var failures = _consecutiveFailures;
        var lastError = _lastError;
        _supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, TimeSpan.FromSeconds(3))
            .ContinueWith(t => (object)new ServiceHealth(_service, state, since, until,
                t.IsCompletedSuccessfully ? t.Result.Count : -1, failures, lastError))
            .PipeTo(Sender);
    }
}
