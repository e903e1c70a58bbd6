using Akka.Actor;
using Orders.Actors.Messaging;

namespace Orders.Actors.Orders;

/// <summary>Messages a client (gateway, CLI, test) sends to an order entity.</summary>
public static class OrderCommands
{
    public interface IOrderCommand : IWithOrderId, ITraced, IOrderSystemMessage;

    /// <summary>
    /// A command a caller may send again while it waits (an answer lost in a hand-off, a node that died): the same
    /// command again is answered from the order's record and changes nothing twice. The caller resends it unchanged
    /// (same <see cref="ITraced.Context"/>), which the order uses to keep one waiting caller per call, not one per send.
    /// </summary>
    public interface ISafeToResend : IOrderCommand;

    public sealed record PlaceOrder(string OrderId, OrderDetails Details, ResponseMode Mode, MessageContext Context) : ISafeToResend;

    public sealed record GetOrder(string OrderId, MessageContext Context) : ISafeToResend;

    public sealed record CancelOrder(string OrderId, string Reason, MessageContext Context) : IOrderCommand;

    /// <summary>Operator command: put the order's parked steps (all, or only those named, as in <see cref="StepId.ToString"/>) back into redelivery.</summary>
    public sealed record ReplayParkedSteps(string OrderId, MessageContext Context, IReadOnlyList<string>? Steps = null) : IOrderCommand;

    /// <summary>The subscriber receives the current <see cref="OrderReplies.OrderView"/> and one after every change.</summary>
    public sealed record WatchOrder(string OrderId, IActorRef Subscriber, MessageContext Context) : IOrderCommand;

    public sealed record UnwatchOrder(string OrderId, IActorRef Subscriber, MessageContext Context) : IOrderCommand;
}

public static class OrderReplies
{
    /// <param name="At">When the outcome was recorded (settled steps) or the last delivery failed (retrying).</param>
    /// <param name="SentAt">When the last delivery was sent.</param>
    /// <param name="NextAttemptAt">Retrying steps: when the next delivery is due.</param>
    public sealed record StepView(string Step, StepStatus Status, string? Detail, int Attempts,
        DateTimeOffset? At = null, DateTimeOffset? SentAt = null, DateTimeOffset? NextAttemptAt = null) : IOrderSystemMessage;

    public sealed record OrderView(
        string OrderId,
        OrderStatus Status,
        ResponseMode Mode,
        OrderDetails Details,
        string? AuthorizationId,
        string? Reason,
        IReadOnlyList<StepView> Steps,
        long Version,
        DateTimeOffset PlacedAt,
        DateTimeOffset UpdatedAt,
        string CorrelationId,
        int PaymentAttempts = 0,
        string TraceId = "") : IWithOrderId, IOrderSystemMessage
    {
        public bool IsTerminal => Status.IsTerminal();
        public IEnumerable<StepView> ParkedSteps => Steps.Where(s => s.Status == StepStatus.Parked);
    }

    public enum RejectionCode
    {
        NotFound,
        Conflict,
        IllegalTransition,
        PersistenceFailed,
        Invalid,
    }

    /// <summary>
    /// A command that changed nothing, with the reason. <paramref name="Status"/> is the order's status when the state
    /// forbade the command; each face names it in its own spelling, so the reason itself never spells a status.
    /// </summary>
    public sealed record CommandRejected(string OrderId, RejectionCode Code, string Reason, OrderStatus? Status = null) : IWithOrderId, IOrderSystemMessage;
}

/// <summary>Everything that ever happens to an order; state is rebuilt from these alone.</summary>
public static class OrderEvents
{
    public interface IOrderEvent : IWithOrderId, IOrderSystemMessage
    {
        DateTimeOffset At { get; }
    }

    public sealed record OrderPlaced(string OrderId, OrderDetails Details, ResponseMode Mode, string CorrelationId, string TraceParent, DateTimeOffset At) : IOrderEvent;

    // Attempts and SentAt were added later: events written before them read as 0 and null ("not recorded").

    public sealed record PaymentAuthorized(string OrderId, string AuthorizationId, long AmountMinor, string Currency, DateTimeOffset At, int Attempts = 0) : IOrderEvent;

    /// <summary>The payment provider said no; final, never retried.</summary>
    public sealed record PaymentDeclined(string OrderId, string Reason, DateTimeOffset At, int Attempts = 0) : IOrderEvent;

    /// <summary>No payment decision could be had (timeouts, provider down) after the allowed attempts.</summary>
    public sealed record PaymentRejected(string OrderId, string Reason, DateTimeOffset At, int Attempts = 0) : IOrderEvent;

    /// <summary>One payment attempt got no decision; another follows at <paramref name="NextAttemptAt"/>. Written only when that happens.</summary>
    public sealed record PaymentAttemptFailed(string OrderId, int Attempt, string Error, DateTimeOffset NextAttemptAt, DateTimeOffset At) : IOrderEvent;

    /// <param name="SentAt">When the delivery that succeeded was sent; <paramref name="Attempts"/> counts it.</param>
    public sealed record StepSucceeded(string OrderId, StepId Step, string? Detail, DateTimeOffset At, int Attempts = 0, DateTimeOffset? SentAt = null) : IOrderEvent;

    /// <summary>A business refusal (e.g. out of stock); redelivery cannot change it.</summary>
    public sealed record StepFailed(string OrderId, StepId Step, string Reason, DateTimeOffset At, int Attempts = 0, DateTimeOffset? SentAt = null) : IOrderEvent;

    /// <summary>
    /// One delivery of a step failed transiently (no answer, provider down) and will be redelivered at
    /// <paramref name="NextAttemptAt"/>. Only failures write it, so the happy path costs no extra rows; it is what makes
    /// retrying steps visible across orders and attempt counts survive a restart.
    /// </summary>
    public sealed record StepAttemptFailed(string OrderId, StepId Step, int Attempt, DateTimeOffset SentAt, string Error, DateTimeOffset NextAttemptAt, DateTimeOffset At) : IOrderEvent;

    public sealed record StepParked(string OrderId, StepId Step, int Attempts, string LastError, DateTimeOffset At, DateTimeOffset? LastSentAt = null) : IOrderEvent;

    public sealed record StepUnparked(string OrderId, StepId Step, DateTimeOffset At) : IOrderEvent;

    /// <summary>Undo what was done: <paramref name="ShipmentMayExist"/> says whether a shipment was ever requested.</summary>
    public sealed record CompensationStarted(string OrderId, string Reason, bool ShipmentMayExist, DateTimeOffset At) : IOrderEvent;

    public sealed record OrderCompleted(string OrderId, long AmountMinor, string Currency, DateTimeOffset At) : IOrderEvent;

    public sealed record OrderCancelled(string OrderId, string Reason, long RefundedMinor, string Currency, DateTimeOffset At) : IOrderEvent;
}
