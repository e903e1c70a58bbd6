using Akka.Actor;
using Akka.Pattern;

namespace Orders.Actors.Services;

/// <summary>
/// The address of one external service. Its worker runs under a BackoffSupervisor; while the worker is backing
/// off, requests are answered at once with "unavailable" (the breaker is open) instead of waiting for timeouts.
/// </summary>
public sealed class ServiceGateway : ReceiveActor, IWithTimers
{
    public sealed record WorkerStarted;
    public sealed record WorkerTripped(string LastError);
    public sealed record WorkerFailures(int Consecutive, string? LastError);
    private sealed record ForgetTrips;

    private readonly string _service;
    private readonly SupervisionSettings _settings;
    private readonly IActorRef _supervisor;
    private DateTimeOffset? _backingOffSince;
    private DateTimeOffset? _retryNoLaterThan;
    private int _tripsInARow;
    private int _consecutiveFailures;
    private string? _lastError;

    public ITimerScheduler Timers { get; set; } = null!;

    public ServiceGateway(string service, IServiceHandler handler, SupervisionSettings settings)
    {
        _service = service;
        _settings = settings;
        var options = Backoff.OnFailure(
                ServiceWorker.Props(handler, settings, Self), $"{service}-worker",
                settings.MinBackoff, settings.MaxBackoff, settings.RandomFactor, maxNrOfRetries: -1)
            .WithAutoReset(settings.ResetAfter)
            // A trip is the breaker opening, expected and already logged by the worker as one warning line.
            .WithSupervisorStrategy(new OneForOneStrategy(-1, -1, Decider.From(Directive.Restart), loggingEnabled: false));
        _supervisor = Context.ActorOf(BackoffSupervisor.Props(options), $"{service}-supervisor");

        Receive<IServiceRequest>(Route);
        Receive<WorkerStarted>(_ =>
        {
            _backingOffSince = null;
            _retryNoLaterThan = null;
            _consecutiveFailures = 0;
            Timers.StartSingleTimer(nameof(ForgetTrips), new ForgetTrips(), settings.ResetAfter);
        });
        Receive<WorkerTripped>(t =>
        {
            Timers.Cancel(nameof(ForgetTrips));
            _tripsInARow++;
            _lastError = t.LastError;
            _backingOffSince = DateTimeOffset.UtcNow;
            _retryNoLaterThan = _backingOffSince + settings.Backoff.UpperBound(_tripsInARow);
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
            _supervisor.Forward(request);
        else
            request.ReplyTarget(Sender).Tell(request.Unavailable(_service, _retryNoLaterThan!.Value));
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
