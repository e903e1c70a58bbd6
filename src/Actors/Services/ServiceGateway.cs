using Akka.Actor;
using Akka.Pattern;

namespace Orders.Actors.Services;

/// <summary>
/// The address of one external service. Its worker runs under a BackoffSupervisor; while the worker is backing
/// off, requests are answered at once with "unavailable" (the breaker is open) instead of waiting for timeouts.
/// Fire-and-forget requests refused meanwhile are also held, and go out again as soon as the provider is back: the
/// restarted worker first gets a few of them as probes, and once one succeeds, all the rest.
/// </summary>
public sealed class ServiceGateway : ReceiveActor, IWithTimers
{
    public sealed record WorkerStarted;
    public sealed record WorkerTripped(string LastError);
    public sealed record WorkerFailures(int Consecutive, string? LastError);
    /// <summary>The first call of a worker's incarnation that succeeded: the provider is back.</summary>
    public sealed record WorkerSucceeded;
    /// <summary>A call the worker could not complete because it tripped; its caller was told "unavailable".</summary>
    public sealed record WorkerAbandoned(IServiceRequest Request, IActorRef ReplyTo);
    /// <summary>Told to the worker, through its supervisor, once the gateway stopped forwarding: now it may crash.</summary>
    public sealed record Trip
    {
        public static readonly Trip Instance = new();
    }
    private sealed record ForgetTrips;

    private readonly string _service;
    private readonly SupervisionSettings _settings;
    private readonly IActorRef _supervisor;
    private DateTimeOffset? _backingOffSince;
    private DateTimeOffset? _retryNoLaterThan;
    private int _tripsInARow;
    private int _consecutiveFailures;
    private string? _lastError;
    private readonly Dictionary<string, (IServiceRequest Request, IActorRef ReplyTo)> _held = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public ServiceGateway(string service, IServiceHandler handler, SupervisionSettings settings)
    {
        _service = service;
        _settings = settings;
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
            _backingOffSince = null;
            _retryNoLaterThan = null;
            _consecutiveFailures = 0;
            Timers.StartSingleTimer(nameof(ForgetTrips), new ForgetTrips(), settings.ResetAfter);
            Release(settings.TripAfterConsecutiveFailures);
        });
        Receive<WorkerSucceeded>(_ => Release(int.MaxValue));
        Receive<WorkerAbandoned>(a => Hold(a.Request, a.ReplyTo));
        Receive<WorkerTripped>(t =>
        {
            Timers.Cancel(nameof(ForgetTrips));
            _tripsInARow++;
            _lastError = t.LastError;
            _backingOffSince = DateTimeOffset.UtcNow;
            _retryNoLaterThan = _backingOffSince + settings.Backoff.UpperBound(_tripsInARow);
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

    public static Props Props(string service, IServiceHandler handler, SupervisionSettings settings) =>
        Akka.Actor.Props.Create(() => new ServiceGateway(service, handler, settings));

    private void Route(IServiceRequest request)
    {
        if (_backingOffSince is null)
        {
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
        if (request.ReleaseWhenRecovered && (_held.Count < _settings.HoldWhileBackingOff || _held.ContainsKey(request.IdempotencyKey)))
            _held[request.IdempotencyKey] = (request, replyTo);
    }

    /// <summary>Sends up to <paramref name="count"/> held requests to the worker, the answers going where they always go.</summary>
    private void Release(int count)
    {
        if (_held.Count == 0 || _backingOffSince is not null) return;
        foreach (var key in _held.Keys.Take(count).ToList())
        {
            var (request, replyTo) = _held[key];
            _held.Remove(key);
            _supervisor.Tell(request, replyTo);
        }
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
