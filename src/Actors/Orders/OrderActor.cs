using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Orders.Actors.Messaging;
using Orders.Actors.Services;
using Orders.Actors.Telemetry;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Orders;

/// <summary>
/// One order: thin plumbing around <see cref="OrderState"/>. It asks payment synchronously (timeout, retries with
/// backoff), tells the fulfilment steps fire-and-forget and redelivers each until its outcome is recorded.
/// </summary>
public sealed class OrderActor : ReceivePersistentActor, IWithTimers
{
    private sealed record PaymentAttemptResult(int Attempt, PaymentReply Reply);
    private sealed record RetryPayment(int Attempt);
    private sealed record StepUnanswered(StepId Step);
    private sealed record RedeliverStep(StepId Step);

    private readonly OrderServices _services;
    private readonly OrderSettings _settings;
    private readonly bool _sharded;
    private readonly OrderMetrics _metrics;
    private readonly Microsoft.Extensions.Logging.ILogger _log = OrderLog.For(Context.System, typeof(OrderActor).FullName!);
    private readonly RecoveryBacklog _backlog = RecoveryBacklog.For(Context.System);
    private bool _recovering = true;
    private readonly List<(IActorRef ReplyTo, ResponseMode Mode, MessageContext Call)> _waiting = [];
    private readonly HashSet<IActorRef> _watchers = [];
    private readonly Dictionary<StepId, (int Attempts, bool Awaiting, DateTimeOffset SentAt)> _delivery = new();
    private OrderState _state;
    private bool _paymentInFlight;
    private Activity? _paymentSpan;
    private TimeSpan _paymentBackoff;
    private bool _handingOff;
    private IActorRef? _commandSender;

    public ITimerScheduler Timers { get; set; } = null!;
    public override string PersistenceId { get; }

    public OrderActor(string orderId, OrderServices services, OrderSettings settings, bool sharded, OrderMetrics? metrics)
    {
        _services = services;
        _settings = settings;
        _sharded = sharded;
        _metrics = metrics ?? OrderMetrics.Unobserved;
        _state = OrderState.Empty(orderId);
        PersistenceId = $"order-{orderId}";
        // An order lives for a handful of events: replaying them is cheaper than one snapshot query, and every new
        // order's recovery used to ask the snapshot table first (measured ~8% of the CPU at peak throughput).
        SnapshotPluginId = "akka.persistence.no-snapshot-store";

        Recover<IOrderEvent>(e => _state = _state.Apply(e));
        _backlog.Starting();
        Recover<RecoveryCompleted>(_ =>
        {
            RecoveryEnded();
            ResumeWork();
        });

        Command<PlaceOrder>(Place);
        Command<GetOrder>(_ => Sender.Tell(_state.Exists ? _state.ToView() : NotFound()));
        Command<CancelOrder>(c => Decide(_state.Cancel(c.Reason, Now), Sender, OrderTracing.StartProcessing(nameof(CancelOrder), c.OrderId, c.Context, null)));
        Command<ReplayParkedSteps>(r => Decide(_state.ReplayParked(Now, r.Steps), Sender));
        Command<WatchOrder>(Watch);
        Command<UnwatchOrder>(u => { _watchers.Remove(u.Subscriber); Context.Unwatch(u.Subscriber); });
        Command<Terminated>(t => _watchers.Remove(t.ActorRef));
        Command<PaymentAttemptResult>(OnPaymentAnswer);
        Command<RetryPayment>(r => AskPayment(r.Attempt));
        Command<StepOutcome>(OnStepOutcome);
        Command<StepUnanswered>(u => OnTransientStepFailure(u.Step, "no answer within the step timeout", null));
        Command<RedeliverStep>(r => { if (_state.DueSteps().Contains(r.Step)) Dispatch(r.Step); });
        Command<ServiceRecovered>(OnServiceRecovered);
        Command<ReceiveTimeout>(_ => Passivate());
        Command<StopForHandOff>(_ => { _handingOff = true; StopIfHandedOff(); });
    }

    public static Props Props(string orderId, OrderServices services, OrderSettings settings, bool sharded = true, OrderMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new OrderActor(orderId, services, settings, sharded, metrics));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;
    private MessageContext OrderContext => new(_state.CorrelationId, _state.TraceParent);

    // ---- client commands ----

    private void Place(PlaceOrder command)
    {
        // The span covers deciding and persisting what the command decided; the caller's answer may wait for more.
        var span = OrderTracing.StartProcessing(nameof(PlaceOrder), command.OrderId, command.Context, command.Mode);
        var decision = _state.Place(command, Now);
        if (decision.IsRejected)
        {
            Sender.Tell(decision.Rejection!);
            OrderTracing.End(span, decision.Rejection!.Reason);
            return;
        }
        if (decision.Events.Count == 0 && _state.ReplyReady(command.Mode))
        {
            Sender.Tell(_state.ToView()); // the same order again: answered from the record, nothing charged twice
            OrderTracing.End(span);
            return;
        }
        // A resend of the same call (same context) replaces its earlier send's place: that asker has given up.
        _waiting.RemoveAll(w => w.Call == command.Context);
        _waiting.Add((Sender, command.Mode, command.Context));
        Persist(decision.Events, Sender, () => OrderTracing.End(span), span);
    }

    private void Decide(OrderDecision decision, IActorRef replyTo, Activity? span = null)
    {
        if (decision.IsRejected)
        {
            replyTo.Tell(decision.Rejection!);
            OrderTracing.End(span, decision.Rejection!.Reason);
        }
        else if (decision.Events.Count == 0)
        {
            replyTo.Tell(_state.ToView());
            OrderTracing.End(span);
        }
        else
            Persist(decision.Events, replyTo, () =>
            {
                replyTo.Tell(_state.ToView());
                OrderTracing.End(span);
            }, span);
    }

    private void Watch(WatchOrder watch)
    {
        if (!_state.Exists)
        {
            watch.Subscriber.Tell(NotFound());
            return;
        }
        _watchers.Add(watch.Subscriber);
        Context.Watch(watch.Subscriber);
        watch.Subscriber.Tell(_state.ToView());
    }

    // ---- payment: a synchronous ask with timeout and retries ----

    private void AskPayment(int attempt)
    {
        if (_state.Status != OrderStatus.PaymentPending) return;
        _paymentInFlight = true;
        var details = _state.Details!;
        var timeout = _settings.PaymentTimeout;
        var context = OrderContext;
        _paymentSpan = OrderTracing.StartPaymentAttempt(_state.OrderId, _state.Mode, context, attempt, _paymentBackoff);
        var request = new AuthorizePayment(_state.OrderId, details.TotalMinor, details.Currency, details.PaymentToken, OrderTracing.Under(_paymentSpan, context));
        _services.Payment.Ask<PaymentReply>(request, timeout).ContinueWith(t => new PaymentAttemptResult(attempt,
                t.IsCompletedSuccessfully ? t.Result : new PaymentError(request.OrderId, $"no answer within {timeout.TotalMilliseconds:0} ms")),
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
    }

    private void OnPaymentAnswer(PaymentAttemptResult result)
    {
        var attemptSpan = _paymentSpan;
        attemptSpan?.SetTag("order.payment.outcome", result.Reply.GetType().Name);
        OrderTracing.End(attemptSpan, result.Reply is PaymentError or PaymentUnavailable ? Describe(result.Reply) : null);
        _paymentSpan = null;
        switch (PaymentPolicy.After(result.Attempt, result.Reply, _settings))
        {
            case PaymentPolicy.RetryAfter retry:
                using (_log.ForOrder(_state.OrderId, OrderContext, attemptSpan))
                    _log.PaymentRetrying(_state.OrderId, result.Attempt, Describe(result.Reply), retry.Delay.TotalMilliseconds);
                Timers.StartSingleTimer("payment", new RetryPayment(result.Attempt + 1), retry.Delay);
                _paymentBackoff = retry.Delay;
                Persist(_state.RecordPaymentAttemptFailure(result.Attempt, Describe(result.Reply), Now + retry.Delay, Now).Events, null);
                break;
            case PaymentPolicy.Decide decide:
                _paymentInFlight = false;
                Persist(_state.RecordPayment(decide.Decision, Now, result.Attempt).Events, null);
                break;
        }
    }

    private static string Describe(PaymentReply reply) => reply switch
    {
        PaymentError e => e.Reason,
        PaymentUnavailable u => u.Reason,
        PaymentRefused r => r.Reason,
        _ => reply.GetType().Name,
    };

    // ---- fire-and-forget steps: recorded, sent, redelivered until their outcome is recorded ----

    private void Dispatch(StepId step)
    {
        // Attempts already on record (before a restart or hand-off) count towards parking.
        var attempts = _delivery.TryGetValue(step, out var delivery) ? delivery.Attempts : _state.Retries.GetValueOrDefault(step)?.Attempts ?? 0;
        _delivery[step] = (attempts + 1, true, Now);
        var context = OrderContext;
        var span = OrderTracing.StartStepDelivery(_state.OrderId, _state.Mode, context, step, attempts + 1);
        _services.For(step.Kind).Tell(StepRequest(step, OrderTracing.Under(span, context), attempts + 1));
        OrderTracing.End(span);
        Timers.StartSingleTimer(step, new StepUnanswered(step), _settings.StepAckTimeout);
    }

    private PerformStep StepRequest(StepId step, MessageContext context, int attempt = 0)
    {
        var occurredAt = step.Kind == StepKind.NotifyWebhook ? _state.EnteredAt(Enum.Parse<OrderStatus>(step.Subject!)) : null;
        return new PerformStep(_state.OrderId, step, _state.Details!, _state.AuthorizationId, _services.StepReplies ?? Self, context, occurredAt, _state.Reason, attempt);
    }

    private void OnStepOutcome(StepOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case StepOutcomeKind.Succeeded:
            {
                var (attempts, sentAt) = DeliveryOf(outcome.Step);
                SettleStep(outcome.Step, _state.RecordStepSuccess(outcome.Step, outcome.Detail, Now, attempts, sentAt));
                break;
            }
            case StepOutcomeKind.Failed:
            {
                var (attempts, sentAt) = DeliveryOf(outcome.Step);
                SettleStep(outcome.Step, _state.RecordStepFailure(outcome.Step, outcome.Detail ?? "refused", Now, attempts, sentAt));
                break;
            }
            default:
                OnTransientStepFailure(outcome.Step, outcome.Detail ?? "transient failure", outcome.RetryNotBefore);
                break;
        }
    }

    /// <summary>
    /// The provider a waiting step depends on is back (or is being probed): send the step now, not at the end of its
    /// backoff. Only a step still due and waiting for its redelivery; a parked, settled or in-flight one stays as it is.
    /// </summary>
    private void OnServiceRecovered(ServiceRecovered recovered)
    {
        var step = recovered.Step;
        if (!_delivery.TryGetValue(step, out var delivery) || delivery.Awaiting || !_state.DueSteps().Contains(step)) return;
        if (recovered.Probe)
        {
            // Not an attempt: the redelivery timer keeps running, and a failed probe's answer is not awaited, so not recorded.
            _services.For(step.Kind).Tell(StepRequest(step, OrderContext));
            return;
        }
        Timers.Cancel(step);
        Dispatch(step);
    }

    private (int Attempts, DateTimeOffset? SentAt) DeliveryOf(StepId step) =>
        _delivery.TryGetValue(step, out var d) ? (d.Attempts, d.SentAt) : (0, null);

    private void SettleStep(StepId step, OrderDecision decision)
    {
        if (decision.Events.Count == 0) return; // a duplicate or late answer: already on record
        Timers.Cancel(step);
        _delivery.Remove(step);
        Persist(decision.Events, null);
    }

    private void OnTransientStepFailure(StepId step, string error, DateTimeOffset? notBefore)
    {
        // Only the answer to the delivery we are waiting on counts; stragglers of earlier ones are ignored.
        if (!_delivery.TryGetValue(step, out var delivery) || !delivery.Awaiting || !_state.DueSteps().Contains(step)) return;
        if (delivery.Attempts >= _settings.StepAttempts)
        {
            Timers.Cancel(step);
            _delivery.Remove(step);
            using (_log.ForOrder(_state.OrderId, OrderContext))
                _log.StepParked(_state.OrderId, step.ToString(), delivery.Attempts, error);
            Persist(_state.Park(step, delivery.Attempts, error, Now, delivery.SentAt).Events, null);
            return;
        }
        var delay = _settings.StepBackoff.Delay(delivery.Attempts);
        if (notBefore is { } earliest && earliest - Now > delay) delay = earliest - Now;
        _delivery[step] = delivery with { Awaiting = false };
        Timers.StartSingleTimer(step, new RedeliverStep(step), delay);
        Persist(_state.RecordStepAttemptFailure(step, delivery.Attempts, delivery.SentAt, error, Now + delay, Now).Events, null);
    }

    // ---- persistence plumbing ----

    /// <param name="within">The span of the command being processed, if any: the journal batch that writes the events goes beneath it.</param>
    private void Persist(IReadOnlyList<IOrderEvent> events, IActorRef? commandSender, Action? then = null, Activity? within = null)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        _commandSender = commandSender;
        var remaining = events.Count;
        if (OrderTracing.Enabled) JournalTracing.Writing(PersistenceId, OrderTracing.ContextOf(within, _state.Exists ? OrderContext : null));
        PersistAll(events, e =>
        {
            var before = _state;
            _state = _state.Apply(e);
            _metrics.Persisted(e, before, _state);
            if (e is StepParked parked) OrderTracing.RecordParked(_state.OrderId, OrderContext, parked.Step, parked.Attempts, parked.LastError);
            if (--remaining > 0) return;
            _commandSender = null;
            then?.Invoke();
            AfterChange();
        });
    }

    private void AfterChange()
    {
        // Most changes have nobody to tell; the view (sorted steps, copies) is built only for those who wait or watch.
        OrderView? view = null;
        foreach (var watcher in _watchers) watcher.Tell(view ??= _state.ToView());
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (!_state.ReplyReady(_waiting[i].Mode)) continue;
            _waiting[i].ReplyTo.Tell(view ??= _state.ToView());
            _waiting.RemoveAt(i);
        }
        ResumeWork();
        // Settled live: it leaves memory (and the remembered set) now, so a restart never has to resume it.
        if (_state.IsSettled) Passivate();
        StopIfHandedOff();
    }

    private void StopIfHandedOff()
    {
        // Work in flight (steps, payment retries) is on record and resumes on the next node; only waiting callers hold us.
        if (_handingOff && _waiting.Count == 0) Context.Stop(Self);
    }

    /// <summary>Starts whatever the recorded state says should be in progress; also how a recovered order carries on.</summary>
    private void ResumeWork()
    {
        if (_state.Status == OrderStatus.PaymentPending && !_paymentInFlight) AskPayment(_state.PaymentAttempts + 1);
        foreach (var step in _state.DueSteps())
            if (!_delivery.ContainsKey(step)) Dispatch(step);
        // Finished (or never existing) orders that are only read leave memory once left alone for a moment.
        SetReceiveTimeout(_state.IsSettled ? _settings.PassivateTerminalAfter : _state.Exists ? null : TimeSpan.FromSeconds(2));
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
        JournalTracing.Forget(PersistenceId); // a write announced but never taken (the journal refused it) leaves nothing behind
        RecoveryEnded(); // a recovery that failed or was cut short by a stop
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // Nothing was stored, so nothing is acknowledged: every caller hears it failed, then the actor stops and recovers.
        FailWaitingCallers($"the order could not be stored: {cause.Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailWaitingCallers($"the journal rejected the event: {cause.Message}");
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void FailWaitingCallers(string reason)
    {
        var rejection = new CommandRejected(_state.OrderId, RejectionCode.PersistenceFailed, reason);
        _commandSender?.Tell(rejection);
        foreach (var (replyTo, _, _) in _waiting) if (!replyTo.Equals(_commandSender)) replyTo.Tell(rejection);
        _waiting.Clear();
        StopIfHandedOff();
    }

    private CommandRejected NotFound() => new(_state.OrderId, RejectionCode.NotFound, $"order '{_state.OrderId}' does not exist");
}
