using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Orders;

/// <summary>What a command does to an order: events to persist, or a rejection that changes nothing.</summary>
public sealed record OrderDecision(IReadOnlyList<IOrderEvent> Events, CommandRejected? Rejection)
{
    public static readonly OrderDecision Nothing = new([], null);

    public static OrderDecision Accept(params IOrderEvent[] events) => new(events, null);

    public static OrderDecision Reject(string orderId, RejectionCode code, string reason) =>
        new([], new CommandRejected(orderId, code, reason));

    public bool IsRejected => Rejection is not null;
}

/// <summary>A payment attempt's result as the order sees it.</summary>
public abstract record PaymentDecision
{
    public sealed record Authorized(string AuthorizationId) : PaymentDecision;
    public sealed record Declined(string Reason) : PaymentDecision;
    public sealed record Failed(string Reason) : PaymentDecision;
}
