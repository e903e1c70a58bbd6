using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Orders.Actors.Messaging;

namespace Orders.Actors.Workflows;

/// <summary>
/// The kernel: one instance of any workflow. It applies what its definition decides, asks the synchronous calls the
/// state says are due (timeout, retries with backoff and jitter, no retry on a final answer), sends the asynchronous
/// steps fire-and-forget and redelivers each until its outcome is recorded or it is parked, answers waiting callers at
/// their response point, tells watchers of every change, leaves memory when settled and stops for a hand-off only once
/// its callers have their answers. Everything it decides is on record, so a restarted or moved instance carries on.
/// </summary>
public sealed class WorkflowActor<TState, TEvent, TStep> : ReceivePersistentActor, IWithTimers
    where TState : class where TEvent : class where TStep : notnull
{
    private sealed record CallAttemptResult(SyncCall Call, int Attempt, object Reply);
    private sealed record RetryCall(int Attempt);
    private sealed record StepUnanswered(TStep Step);
    private sealed record RedeliverStep(TStep Step);
    private sealed record Waiter(IActorRef ReplyTo, object ReplyAt, object? Call);
    private sealed record Delivery(int Attempts, bool Awaiting, DateTimeOffset SentAt);

    // Timer keys of their own type: no step of any workflow can be equal to one.
    private sealed record CallTimerKey;
    private sealed record StepTimerKey(TStep Step);
    private static readonly CallTimerKey CallTimer = new();

    private readonly IWorkflow<TState, TEvent, TStep> _workflow;
    private readonly WorkflowObserver<TState, TEvent, TStep> _observer;
    private readonly WorkflowSettings _settings;
    private readonly bool _sharded;
    private readonly RecoveryBacklog _backlog = RecoveryBacklog.For(Context.System);
    private readonly List<Waiter> _waiting = [];
    private readonly HashSet<IActorRef> _watchers = [];
    private readonly Dictionary<TStep, Delivery> _delivery = new();
    private TState _state;
    private bool _recovering = true;
    private bool _callInFlight;
    private Activity? _callSpan;
    private TimeSpan _callBackoff;
    private bool _handingOff;
    private IActorRef? _commandSender;

    public ITimerScheduler Timers { get; set; } = null!;
    public override string PersistenceId { get; }

    public WorkflowActor(string instanceId, IWorkflow<TState, TEvent, TStep> workflow, WorkflowSettings settings, bool sharded,
        WorkflowObserver<TState, TEvent, TStep>? observer)
    {
        _workflow = workflow;
        _settings = settings;
        _sharded = sharded;
        _observer = observer ?? WorkflowObserver<TState, TEvent, TStep>.Silent.Instance;
        _state = workflow.Empty(instanceId);
        PersistenceId = workflow.PersistenceId(instanceId);
        // An instance lives for a handful of events: replaying them is cheaper than one snapshot query, and every new
        // instance's recovery used to ask the snapshot table first (measured ~8% of the CPU at peak throughput).
        SnapshotPluginId = "akka.persistence.no-snapshot-store";

        Recover<TEvent>(e => _state = _workflow.Apply(_state, e));
        _backlog.Starting();
        Recover<RecoveryCompleted>(_ =>
        {
            RecoveryEnded();
            ResumeWork();
        });

        Command<CallAttemptResult>(OnCallAnswer);
        Command<RetryCall>(r => AskCall(r.Attempt));
        Command<StepUnanswered>(u => OnTransientStepFailure(u.Step, "no answer within the step timeout", null));
        Command<RedeliverStep>(r => { if (_workflow.DueSteps(_state).Contains(r.Step)) Dispatch(r.Step); });
        Command<Terminated>(t => _watchers.Remove(t.ActorRef));
        Command<ReceiveTimeout>(_ => Passivate());
        Command<StopForHandOff>(_ => { _handingOff = true; StopIfHandedOff(); });
        CommandAny(OnMessage);
    }

    public static Props Props(string instanceId, IWorkflow<TState, TEvent, TStep> workflow, WorkflowSettings settings, bool sharded = true,
        WorkflowObserver<TState, TEvent, TStep>? observer = null) =>
        Akka.Actor.Props.Create(() => new WorkflowActor<TState, TEvent, TStep>(instanceId, workflow, settings, sharded, observer));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private void OnMessage(object message)
    {
        if (_workflow.ReadStepAnswer(message) is { } answer)
        {
            OnStepAnswer(answer);
            return;
        }
        // The span covers deciding and persisting what the command decided; the caller's answer may wait for more.
        var span = _observer.StartCommand(_state, message);
        var result = _workflow.Handle(_state, message, Now);
        switch (result)
        {
            case CommandResult<TEvent>.Reply reply:
                (reply.To ?? Sender).Tell(reply.Message);
                _observer.End(span, reply.Error);
                break;
            case CommandResult<TEvent>.Persist { ReplyAt: { } replyAt } persist:
                // A resend of the same call replaces its earlier send's place: that asker has given up.
                if (persist.Call is not null) _waiting.RemoveAll(w => Equals(w.Call, persist.Call));
                _waiting.Add(new Waiter(Sender, replyAt, persist.Call));
                Persist(persist.Events, Sender, () => _observer.End(span), span);
                break;
            case CommandResult<TEvent>.Persist persist:
                var replyTo = Sender;
                Persist(persist.Events, replyTo, () =>
                {
                    replyTo.Tell(_workflow.View(_state));
                    _observer.End(span);
                }, span);
                break;
            case CommandResult<TEvent>.Watch watch:
                _watchers.Add(watch.Subscriber);
                Context.Watch(watch.Subscriber);
                watch.Subscriber.Tell(_workflow.View(_state));
                _observer.End(span);
                break;
            case CommandResult<TEvent>.Unwatch unwatch:
                _watchers.Remove(unwatch.Subscriber);
                Context.Unwatch(unwatch.Subscriber);
                _observer.End(span);
                break;
            default:
                _observer.End(span);
                Unhandled(message);
                break;
        }
    }

    // ---- synchronous calls: an ask with timeout and retries ----

    private void AskCall(int attempt)
    {
        if (_workflow.DueCall(_state) is not { } call) return;
        _callInFlight = true;
        var timeout = _settings.CallTimeout;
        _callSpan = _observer.StartCall(_state, call, attempt, _callBackoff);
        var request = _workflow.CallRequest(_state, call, _observer.Under(_callSpan, _workflow.ContextOf(_state)));
        var state = _state;
        call.Target.Ask<object>(request, timeout).ContinueWith(t => new CallAttemptResult(call, attempt,
                t.IsCompletedSuccessfully ? t.Result : _workflow.CallUnanswered(state, call, $"no answer within {timeout.TotalMilliseconds:0} ms")),
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
    }

    private void OnCallAnswer(CallAttemptResult result)
    {
        var attemptSpan = _callSpan;
        var answer = _workflow.Classify(result.Call, result.Reply);
        _observer.CallAnswered(attemptSpan, result.Reply, answer);
        _callSpan = null;
        switch (CallPolicy.After(result.Attempt, answer, _settings.CallAttempts, _settings.CallBackoff))
        {
            case CallPolicy.RetryAfter retry:
                var reason = ((CallAnswer.Transient)answer).Reason;
                _observer.CallRetrying(_state, result.Call, result.Attempt, reason, retry.Delay, attemptSpan);
                Timers.StartSingleTimer(CallTimer, new RetryCall(result.Attempt + 1), retry.Delay);
                _callBackoff = retry.Delay;
                Persist(_workflow.CallAttemptFailed(_state, result.Call, result.Attempt, reason, Now + retry.Delay, Now), null);
                break;
            default:
                _callInFlight = false;
                _callBackoff = TimeSpan.Zero;
                Persist(_workflow.CallSettled(_state, result.Call, result.Reply, result.Attempt, Now), null);
                break;
        }
    }

    // ---- asynchronous steps: recorded, sent, redelivered until their outcome is recorded ----

    private void Dispatch(TStep step)
    {
        // Attempts already on record (before a restart or hand-off) count towards parking.
        var attempts = _delivery.TryGetValue(step, out var delivery) ? delivery.Attempts : _workflow.StepAttemptsOnRecord(_state, step);
        _delivery[step] = new Delivery(attempts + 1, true, Now);
        var span = _observer.StartDelivery(_state, step, attempts + 1);
        var (target, request) = _workflow.StepRequest(_state, step, _observer.Under(span, _workflow.ContextOf(_state)), attempts + 1, Self);
        target.Tell(request);
        _observer.End(span);
        Timers.StartSingleTimer(new StepTimerKey(step), new StepUnanswered(step), _settings.StepAckTimeout);
    }

    private void OnStepAnswer(StepAnswer<TStep> answer)
    {
        switch (answer.Kind)
        {
            case StepAnswerKind.Succeeded:
            {
                var (attempts, sentAt) = DeliveryOf(answer.Step);
                SettleStep(answer.Step, _workflow.StepSucceeded(_state, answer.Step, answer.Detail, Now, attempts, sentAt));
                break;
            }
            case StepAnswerKind.Refused:
            {
                var (attempts, sentAt) = DeliveryOf(answer.Step);
                SettleStep(answer.Step, _workflow.StepRefused(_state, answer.Step, answer.Detail ?? "refused", Now, attempts, sentAt));
                break;
            }
            case StepAnswerKind.Recovered or StepAnswerKind.Probe:
                OnServiceRecovered(answer.Step, answer.Kind == StepAnswerKind.Probe);
                break;
            default:
                OnTransientStepFailure(answer.Step, answer.Detail ?? "transient failure", answer.RetryNotBefore);
                break;
        }
    }

    /// <summary>
    /// The service a waiting step depends on is back (or is being probed): send the step now, not at the end of its
    /// backoff. Only a step still due and waiting for its redelivery; a parked, settled or in-flight one stays as it is.
    /// </summary>
    private void OnServiceRecovered(TStep step, bool probe)
    {
        if (!_delivery.TryGetValue(step, out var delivery) || delivery.Awaiting || !_workflow.DueSteps(_state).Contains(step)) return;
        if (probe)
        {
            // Not an attempt: the redelivery timer keeps running, and a failed probe's answer is not awaited, so not recorded.
            var (target, request) = _workflow.StepRequest(_state, step, _workflow.ContextOf(_state), 0, Self);
            target.Tell(request);
            return;
        }
        Timers.Cancel(new StepTimerKey(step));
        Dispatch(step);
    }

    private (int Attempts, DateTimeOffset? SentAt) DeliveryOf(TStep step) =>
        _delivery.TryGetValue(step, out var d) ? (d.Attempts, d.SentAt) : (0, null);

    private void SettleStep(TStep step, IReadOnlyList<TEvent> events)
    {
        if (events.Count == 0) return; // a duplicate or late answer: already on record
        Timers.Cancel(new StepTimerKey(step));
        _delivery.Remove(step);
        Persist(events, null);
    }

    private void OnTransientStepFailure(TStep step, string error, DateTimeOffset? notBefore)
    {
        // Only the answer to the delivery we are waiting on counts; stragglers of earlier ones are ignored.
        if (!_delivery.TryGetValue(step, out var delivery) || !delivery.Awaiting || !_workflow.DueSteps(_state).Contains(step)) return;
        switch (DeliveryPolicy.AfterFailure(delivery.Attempts, Now, notBefore, _settings.StepAttempts, _settings.StepBackoff))
        {
            case DeliveryPolicy.RedeliverAfter redeliver:
                _delivery[step] = delivery with { Awaiting = false };
                Timers.StartSingleTimer(new StepTimerKey(step), new RedeliverStep(step), redeliver.Delay);
                Persist(_workflow.StepAttemptFailed(_state, step, delivery.Attempts, delivery.SentAt, error, Now + redeliver.Delay, Now), null);
                break;
            default:
                Timers.Cancel(new StepTimerKey(step));
                _delivery.Remove(step);
                _observer.StepParking(_state, step, delivery.Attempts, error);
                Persist(_workflow.StepParked(_state, step, delivery.Attempts, error, Now, delivery.SentAt), null);
                break;
        }
    }

    // ---- persistence plumbing ----

    /// <param name="within">The span of the command being processed, if any: the journal batch that writes the events goes beneath it.</param>
    private void Persist(IReadOnlyList<TEvent> events, IActorRef? commandSender, Action? then = null, Activity? within = null)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        _commandSender = commandSender;
        var remaining = events.Count;
        _observer.Writing(PersistenceId, within, _workflow.Exists(_state) ? _workflow.ContextOf(_state) : null);
        PersistAll(events, e =>
        {
            var before = _state;
            _state = _workflow.Apply(_state, e);
            _observer.Persisted(e, before, _state);
            if (--remaining > 0) return;
            _commandSender = null;
            then?.Invoke();
            AfterChange();
        });
    }

    private void AfterChange()
    {
        // Most changes have nobody to tell; the view is built only for those who wait or watch.
        object? view = null;
        foreach (var watcher in _watchers) watcher.Tell(view ??= _workflow.View(_state));
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (!_workflow.ReplyReady(_state, _waiting[i].ReplyAt)) continue;
            _waiting[i].ReplyTo.Tell(view ??= _workflow.View(_state));
            _waiting.RemoveAt(i);
        }
        ResumeWork();
        // Settled live: it leaves memory (and the remembered set) now, so a restart never has to resume it.
        if (_workflow.IsSettled(_state)) Passivate();
        StopIfHandedOff();
    }

    private void StopIfHandedOff()
    {
        // Work in flight (steps, call retries) is on record and resumes on the next node; only waiting callers hold us.
        if (_handingOff && _waiting.Count == 0) Context.Stop(Self);
    }

    /// <summary>Starts whatever the recorded state says should be in progress; also how a recovered instance carries on.</summary>
    private void ResumeWork()
    {
        if (!_callInFlight && _workflow.DueCall(_state) is { } call) AskCall(call.AttemptsOnRecord + 1);
        foreach (var step in _workflow.DueSteps(_state))
            if (!_delivery.ContainsKey(step)) Dispatch(step);
        // Finished (or never existing) instances that are only read leave memory once left alone for a moment.
        SetReceiveTimeout(_workflow.IsSettled(_state) ? _settings.PassivateSettledAfter
            : _workflow.Exists(_state) ? null : _settings.PassivateUnknownAfter);
    }

    private void Passivate()
    {
        if (_waiting.Count > 0 || _watchers.Count > 0) return;
        if (_sharded) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        else Context.Stop(Self);
    }

    private void RecoveryEnded()
    {
        if (!_recovering) return;
        _recovering = false;
        _backlog.Finished();
    }

    protected override void PostStop()
    {
        _observer.Stopped(PersistenceId); // a write announced but never taken (the journal refused it) leaves nothing behind
        RecoveryEnded(); // a recovery that failed or was cut short by a stop
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // Nothing was stored, so nothing is acknowledged: every caller hears it failed, then the actor stops and recovers.
        FailWaitingCallers(cause, rejected: false);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailWaitingCallers(cause, rejected: true);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void FailWaitingCallers(Exception cause, bool rejected)
    {
        var rejection = _workflow.PersistFailed(_state, cause, rejected);
        _commandSender?.Tell(rejection);
        foreach (var waiter in _waiting) if (!waiter.ReplyTo.Equals(_commandSender)) waiter.ReplyTo.Tell(rejection);
        _waiting.Clear();
        StopIfHandedOff();
    }
}
