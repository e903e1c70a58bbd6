using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Services;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Orders;

/// <summary>
/// The checkout as a workflow: <see cref="OrderState"/> decides, this maps it onto the kernel. One synchronous call
/// (payment, retried on errors, never on a decline) and the fire-and-forget steps (stock, shipment, emails,
/// analytics, webhooks, and their compensations), each sent to the service <see cref="OrderServices"/> names.
/// </summary>
public sealed class OrderWorkflow(OrderServices services) : IWorkflow<OrderState, IOrderEvent, StepId>
{
    /// <summary>The workflow type: in persistence ids ("order-42") and in every service request an order sends.</summary>
    public const string Type = "order";
    public const string PaymentCall = "payment";

    public string PersistenceId(string instanceId) => $"{Type}-{instanceId}";
    public OrderState Empty(string instanceId) => OrderState.Empty(instanceId);
    public OrderState Apply(OrderState state, IOrderEvent @event) => state.Apply(@event);
    public bool Exists(OrderState state) => state.Exists;
    public bool IsSettled(OrderState state) => state.IsSettled;
    public MessageContext ContextOf(OrderState state) => new(state.CorrelationId, state.TraceParent);

    // ---- commands ----

    public CommandResult<IOrderEvent> Handle(OrderState state, object command, DateTimeOffset now) => command switch
    {
        PlaceOrder place => Place(state, place, now),
        GetOrder => new CommandResult<IOrderEvent>.Reply(state.Exists ? state.ToView() : NotFound(state)),
        CancelOrder cancel => Decide(state, state.Cancel(cancel.Reason, now)),
        ReplayParkedSteps replay => Decide(state, state.ReplayParked(now, replay.Steps)),
        WatchOrder watch => state.Exists
            ? new CommandResult<IOrderEvent>.Watch(watch.Subscriber)
            : new CommandResult<IOrderEvent>.Reply(NotFound(state), To: watch.Subscriber),
        UnwatchOrder unwatch => new CommandResult<IOrderEvent>.Unwatch(unwatch.Subscriber),
        _ => CommandResult<IOrderEvent>.Unhandled,
    };

    private static CommandResult<IOrderEvent> Place(OrderState state, PlaceOrder command, DateTimeOffset now)
    {
        var decision = state.Place(command, now);
        if (decision.IsRejected) return new CommandResult<IOrderEvent>.Reply(decision.Rejection!, decision.Rejection!.Reason);
        // The same order again: answered from the record, nothing charged twice.
        if (decision.Events.Count == 0 && state.ReplyReady(command.Mode)) return new CommandResult<IOrderEvent>.Reply(state.ToView());
        return new CommandResult<IOrderEvent>.Persist(decision.Events, ReplyAt: command.Mode, Call: command.Context);
    }

    private static CommandResult<IOrderEvent> Decide(OrderState state, OrderDecision decision) =>
        decision.IsRejected ? new CommandResult<IOrderEvent>.Reply(decision.Rejection!, decision.Rejection!.Reason)
        : decision.Events.Count == 0 ? new CommandResult<IOrderEvent>.Reply(state.ToView())
        : new CommandResult<IOrderEvent>.Persist(decision.Events);

    public object View(OrderState state) => state.ToView();

    public bool ReplyReady(OrderState state, object replyPoint) => state.ReplyReady((ResponseMode)replyPoint);

    public object PersistFailed(OrderState state, Exception cause, bool rejected) => new CommandRejected(state.OrderId, RejectionCode.PersistenceFailed,
        rejected ? $"the journal rejected the event: {cause.Message}" : $"the order could not be stored: {cause.Message}");

    private static CommandRejected NotFound(OrderState state) => new(state.OrderId, RejectionCode.NotFound, $"order '{state.OrderId}' does not exist");

    // ---- payment: the synchronous call ----

    public SyncCall? DueCall(OrderState state) =>
        state.Status == OrderStatus.PaymentPending ? new SyncCall(PaymentCall, services.Payment, state.PaymentAttempts) : null;

    public object CallRequest(OrderState state, SyncCall call, MessageContext context)
    {
        var details = state.Details!;
        return new AuthorizePayment(state.OrderId, details.TotalMinor, details.Currency, details.PaymentToken, context);
    }

    public object CallUnanswered(OrderState state, SyncCall call, string reason) => new PaymentError(state.OrderId, reason);

    public CallAnswer Classify(SyncCall call, object reply) => PaymentPolicy.Classify((PaymentReply)reply);

    public IReadOnlyList<IOrderEvent> CallAttemptFailed(OrderState state, SyncCall call, int attempt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        state.RecordPaymentAttemptFailure(attempt, error, nextAttemptAt, now).Events;

    public IReadOnlyList<IOrderEvent> CallSettled(OrderState state, SyncCall call, object reply, int attempts, DateTimeOffset now) =>
        state.RecordPayment(PaymentPolicy.Decision(attempts, (PaymentReply)reply), now, attempts).Events;

    // ---- fire-and-forget steps ----

    public IReadOnlyList<StepId> DueSteps(OrderState state) => state.DueSteps();

    public int StepAttemptsOnRecord(OrderState state, StepId step) => state.Retries.GetValueOrDefault(step)?.Attempts ?? 0;

    public StepDelivery StepRequest(OrderState state, StepId step, MessageContext context, int attempt, IActorRef instance)
    {
        var occurredAt = step.Kind == StepKind.NotifyWebhook ? state.EnteredAt(Enum.Parse<OrderStatus>(step.Subject!)) : null;
        return new StepDelivery(services.For(step.Kind),
            new PerformStep(state.OrderId, step, state.Details!, state.AuthorizationId, services.StepReplies ?? instance, context, occurredAt, state.Reason, attempt));
    }

    public StepAnswer<StepId>? ReadStepAnswer(object message) => message switch
    {
        StepOutcome outcome => new StepAnswer<StepId>(outcome.Step, outcome.Kind switch
        {
            StepOutcomeKind.Succeeded => StepAnswerKind.Succeeded,
            StepOutcomeKind.Failed => StepAnswerKind.Refused,
            _ => StepAnswerKind.Transient,
        }, outcome.Detail, outcome.RetryNotBefore),
        ServiceRecovered recovered => new StepAnswer<StepId>(recovered.Step, recovered.Probe ? StepAnswerKind.Probe : StepAnswerKind.Recovered),
        _ => null,
    };

    public IReadOnlyList<IOrderEvent> StepSucceeded(OrderState state, StepId step, string? detail, DateTimeOffset now, int attempts, DateTimeOffset? sentAt) =>
        state.RecordStepSuccess(step, detail, now, attempts, sentAt).Events;

    public IReadOnlyList<IOrderEvent> StepRefused(OrderState state, StepId step, string reason, DateTimeOffset now, int attempts, DateTimeOffset? sentAt) =>
        state.RecordStepFailure(step, reason, now, attempts, sentAt).Events;

    public IReadOnlyList<IOrderEvent> StepAttemptFailed(OrderState state, StepId step, int attempt, DateTimeOffset sentAt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        state.RecordStepAttemptFailure(step, attempt, sentAt, error, nextAttemptAt, now).Events;

    public IReadOnlyList<IOrderEvent> StepParked(OrderState state, StepId step, int attempts, string lastError, DateTimeOffset now, DateTimeOffset? lastSentAt) =>
        state.Park(step, attempts, lastError, now, lastSentAt).Events;
}
