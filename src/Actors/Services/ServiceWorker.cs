using System.Diagnostics;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using Orders.Actors.Messaging;
using Akka.Event;

namespace Orders.Actors.Services;

/// <summary>
/// Calls one external provider, many calls at a time. Dedupes by idempotency key (in flight and recently done),
/// and crashes after too many consecutive failures so its BackoffSupervisor can back off: the breaker "opens".
/// </summary>
public sealed class ServiceWorker : ReceiveActor
{
    public sealed record CallCompleted(string Key, object Reply, string? Failure);

    /// <summary>Thrown on purpose: the supervisor's backoff is how this service stops hammering a dead provider.</summary>
    public sealed class ProviderTrippedException(string message) : Exception(message);

    private sealed record InFlight(IServiceRequest Request, List<IActorRef> Waiters, Activity? Span);

    private readonly IServiceHandler _handler;
    private readonly SupervisionSettings _settings;
    private readonly IActorRef _healthListener;
    private readonly Dictionary<string, InFlight> _inFlight = new();
    private readonly RecentReplies _done;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Microsoft.Extensions.Logging.ILogger _log = InstanceLog.For(Context.System, typeof(ServiceWorker).FullName!);
    private int _consecutiveFailures;
    private bool _succeeded;
    private string? _trippedBy;

    public ServiceWorker(IServiceHandler handler, SupervisionSettings settings, IActorRef healthListener)
    {
        _handler = handler;
        _settings = settings;
        _healthListener = healthListener;
        _done = new RecentReplies(settings.DedupeCacheSize);

        Receive<IServiceRequest>(Handle);
        Receive<CallCompleted>(Complete);
        Receive<ServiceGateway.Trip>(_ =>
            throw new ProviderTrippedException($"{_handler.Service}: {_consecutiveFailures} consecutive failures, last: {_trippedBy}"));
    }

    public static Props Props(IServiceHandler handler, SupervisionSettings settings, IActorRef healthListener) =>
        Akka.Actor.Props.Create(() => new ServiceWorker(handler, settings, healthListener));

    protected override void PreStart() => _healthListener.Tell(new ServiceGateway.WorkerStarted());

    protected override void PostStop()
    {
        _stopping.Cancel();
        // Whoever waits on a call this incarnation started gets an answer now instead of a timeout later.
        foreach (var (_, flight) in _inFlight)
        {
            MessageTracing.End(flight.Span, $"{_handler.Service} worker stopped before the call finished ({_trippedBy ?? "stopping"})");
            foreach (var waiter in flight.Waiters)
            {
                waiter.Tell(flight.Request.Unavailable(_handler.Service, DateTimeOffset.UtcNow + _settings.MinBackoff, _trippedBy));
                _healthListener.Tell(new ServiceGateway.HoldUntilRecovered(flight.Request, waiter));
            }
        }
        _inFlight.Clear();
    }

    private void Handle(IServiceRequest request)
    {
        var key = request.IdempotencyKey;
        var replyTo = request.ReplyTarget(Sender);
        if (_trippedBy is not null)
        {
            // Forwarded before the gateway heard of the trip: refused, and handed back to be held until recovery.
            replyTo.Tell(request.Unavailable(_handler.Service, DateTimeOffset.UtcNow + _settings.MinBackoff, _trippedBy));
            _healthListener.Tell(new ServiceGateway.HoldUntilRecovered(request, replyTo));
            return;
        }
        if (_done.TryGet(key, out var reply))
        {
            replyTo.Tell(reply);
            return;
        }
        if (_inFlight.TryGetValue(key, out var flight))
        {
            flight.Waiters.Add(replyTo);
            return;
        }
        var span = StartPerforming(_handler.Service, request);
        _inFlight[key] = new InFlight(request, [replyTo], span);
        Call(request, span).PipeTo(Self);
    }

    /// <summary>
    /// A service performing a request: a CONSUMER span under the context the request carries (the delivery that sent
    /// it, so each delivery's work shows beneath it), and linked to it as the messaging conventions ask of a message's
    /// processing: the context that created the message, not the call that started the workflow long before.
    /// </summary>
    public static Activity? StartPerforming(string service, IServiceRequest request)
    {
        if (!MessageTracing.Enabled) return null;
        var span = MessageTracing.Start("process", service, ActivityKind.Consumer, request.Context, request.Workflow, request.InstanceId,
            messageId: request.IdempotencyKey, linkToParent: true);
        if (span is not null) request.TagSpan(span);
        return span;
    }

    private async Task<CallCompleted> Call(IServiceRequest request, Activity? span)
    {
        // The provider's own calls (HttpClient) go under this delivery's span; set here, it stays inside this call.
        Activity.Current = span;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_settings.CallTimeout);
        try
        {
            return new CallCompleted(request.IdempotencyKey, await _handler.ExecuteAsync(request, timeout.Token).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException)
        {
            var reason = $"{_handler.Service} provider did not answer within {_settings.CallTimeout.TotalMilliseconds:0} ms";
            return new CallCompleted(request.IdempotencyKey, _handler.TransientFailure(request, reason), reason);
        }
        catch (Exception e)
        {
            return new CallCompleted(request.IdempotencyKey, _handler.TransientFailure(request, e.Message), e.Message);
        }
    }

    private void Complete(CallCompleted completed)
    {
        var refusal = completed.Failure is null ? _handler.RefusalOf(completed.Reply) : null;
        if (_inFlight.Remove(completed.Key, out var flight))
        {
            foreach (var waiter in flight.Waiters) waiter.Tell(completed.Reply);
            MessageTracing.End(flight.Span, completed.Failure ?? refusal);
        }

        if (completed.Failure is null)
        {
            // A refusal had no effect to dedupe, and an operator replays it only once the cause is fixed (a receiver
            // that answered 410 now accepts): asking again must reach the provider, not this cache.
            if (refusal is null) _done.Add(completed.Key, completed.Reply);
            if (!_succeeded || _consecutiveFailures > 0)
            {
                // The provider answers (again): whoever waits on it is woken now, not at the end of its own backoff.
                _succeeded = true;
                _healthListener.Tell(new ServiceGateway.WorkerSucceeded());
            }
            if (_consecutiveFailures > 0)
            {
                _consecutiveFailures = 0;
                _healthListener.Tell(new ServiceGateway.WorkerFailures(0, null));
            }
            return;
        }

        _consecutiveFailures++;
        if (flight is not null && flight.Request.ReleaseWhenRecovered)
            foreach (var waiter in flight.Waiters) _healthListener.Tell(new ServiceGateway.HoldUntilRecovered(flight.Request, waiter));
        _healthListener.Tell(new ServiceGateway.WorkerFailures(_consecutiveFailures, completed.Failure));
        if (_consecutiveFailures >= _settings.TripAfterConsecutiveFailures && _trippedBy is null)
        {
            // The crash waits for the gateway's Trip, which comes after everything it forwarded before it knew: none of
            // those requests reaches a dead worker (the BackoffSupervisor would drop them).
            _trippedBy = completed.Failure;
            if (flight is null)
                _log.LogWarning("{Service}: {Failures} consecutive failures, the last: {Error}; backing off", _handler.Service, _consecutiveFailures, completed.Failure);
            else
                using (_log.ForInstance(flight.Request.Workflow, flight.Request.InstanceId, flight.Request.Context, flight.Span))
                    _log.ServiceTripped(_handler.Service, _consecutiveFailures, flight.Request.Workflow, flight.Request.InstanceId, completed.Failure);
            _healthListener.Tell(new ServiceGateway.WorkerTripped(completed.Failure));
        }
    }

    /// <summary>Bounded memory of finished keys, oldest forgotten first.</summary>
    private sealed class RecentReplies(int capacity)
    {
        private readonly Dictionary<string, object> _replies = new();
        private readonly Queue<string> _order = new();

        public bool TryGet(string key, out object reply) => _replies.TryGetValue(key, out reply!);

        public void Add(string key, object reply)
        {
            if (!_replies.TryAdd(key, reply)) return;
            _order.Enqueue(key);
            if (_order.Count > capacity) _replies.Remove(_order.Dequeue());
        }
    }
}
