using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;

namespace Orders.Actors.Services;

/// <summary>A request to a supervised service; it knows how to answer when the service is backing off.</summary>
public interface IServiceRequest : IWithOrderId, ITraced, IOrderSystemMessage
{
    /// <summary>Downstream dedupe key: one effect per key, however often the request is delivered.</summary>
    string IdempotencyKey { get; }

    /// <summary>Where the answer goes: the asker, or the order region for fire-and-forget steps.</summary>
    IActorRef ReplyTarget(IActorRef sender);

    /// <summary>
    /// Failed or refused while the provider is in trouble, should its sender hear the moment the provider is back? Yes
    /// for fire-and-forget steps (their order waits anyway); no for synchronous asks, whose caller has long moved on.
    /// </summary>
    bool ReleaseWhenRecovered { get; }

    /// <summary>
    /// What the reply target is told when the provider can take this request (again): send it now rather than at the
    /// end of its own backoff. The sender decides whether it is still wanted, so nothing stale or parked is sent.
    /// </summary>
    /// <param name="probe">Only to find out whether the provider is back: not counted as an attempt, a failure not recorded.</param>
    object? Recovered(string service, bool probe);

    /// <param name="cause">The provider failure that made the service back off, when known.</param>
    object Unavailable(string service, DateTimeOffset retryAfter, string? cause);
}

public static class ServiceUnavailable
{
    /// <summary>
    /// The cause first, so that a step refused while the service backs off reads (and groups, in `steps parked`) as the
    /// same problem as one the provider itself failed: one outage, one group.
    /// </summary>
    public static string Describe(string service, DateTimeOffset retryAfter, string? cause) => cause is null
        ? $"{service} service unavailable (backing off until {retryAfter:O})"
        : $"{cause} ({service} service backing off until {retryAfter:O})";
}

public enum StepOutcomeKind
{
    Succeeded,
    /// <summary>A business refusal; redelivering will not change it.</summary>
    Failed,
    /// <summary>Worth redelivering later (provider error, timeout, service backing off).</summary>
    Transient,
}

/// <summary>Fire-and-forget step sent by an order; the outcome is told to <paramref name="ReplyTo"/>.</summary>
/// <param name="Attempt">Which delivery this is (1 the first), for the span of the work on it; 0 when not counted (a probe).</param>
public sealed record PerformStep(
    string OrderId,
    StepId Step,
    OrderDetails Order,
    string? AuthorizationId,
    IActorRef ReplyTo,
    MessageContext Context,
    DateTimeOffset? OccurredAt = null,
    string? Reason = null,
    int Attempt = 0) : IServiceRequest
{
    public string IdempotencyKey => $"{OrderId}/{Step}";
    public IActorRef ReplyTarget(IActorRef sender) => ReplyTo;
    public bool ReleaseWhenRecovered => true;
    public object? Recovered(string service, bool probe) => new ServiceRecovered(OrderId, Step, service, probe, Context);

    public object Unavailable(string service, DateTimeOffset retryAfter, string? cause) =>
        new StepOutcome(OrderId, Step, StepOutcomeKind.Transient, ServiceUnavailable.Describe(service, retryAfter, cause), retryAfter, Context);
}

public sealed record StepOutcome(
    string OrderId,
    StepId Step,
    StepOutcomeKind Kind,
    string? Detail,
    DateTimeOffset? RetryNotBefore,
    MessageContext Context) : IWithOrderId, ITraced, IOrderSystemMessage;

/// <summary>
/// The service a step waits on can take it now (the provider is back, or is being probed): the order sends the step at
/// once if it is still due and not already on its way, instead of waiting out its own backoff.
/// </summary>
public sealed record ServiceRecovered(string OrderId, StepId Step, string Service, bool Probe, MessageContext Context)
    : IWithOrderId, ITraced, IOrderSystemMessage;

public sealed record AuthorizePayment(string OrderId, long AmountMinor, string Currency, string PaymentToken, MessageContext Context) : IServiceRequest
{
    /// <summary>The order id is the payment idempotency key, so a recovered order is charged at most once.</summary>
    public string IdempotencyKey => OrderId;
    public IActorRef ReplyTarget(IActorRef sender) => sender;
    public bool ReleaseWhenRecovered => false;
    public object? Recovered(string service, bool probe) => null;
    public object Unavailable(string service, DateTimeOffset retryAfter, string? cause) =>
        new PaymentUnavailable(OrderId, ServiceUnavailable.Describe(service, retryAfter, cause), retryAfter);
}

public abstract record PaymentReply(string OrderId) : IOrderSystemMessage;

public sealed record PaymentApproved(string OrderId, string AuthorizationId) : PaymentReply(OrderId);

public sealed record PaymentRefused(string OrderId, string Reason) : PaymentReply(OrderId);

/// <summary>A transient failure: worth another attempt.</summary>
public sealed record PaymentError(string OrderId, string Reason) : PaymentReply(OrderId);

/// <summary>The payment service is backing off: answered at once instead of queueing behind timeouts.</summary>
public sealed record PaymentUnavailable(string OrderId, string Reason, DateTimeOffset RetryAfter) : PaymentReply(OrderId);

public enum ServiceState
{
    Healthy,
    BackingOff,
}

public sealed record GetServiceHealth : IOrderSystemMessage
{
    public static readonly GetServiceHealth Instance = new();
}

public sealed record ServiceHealth(
    string Service,
    ServiceState State,
    DateTimeOffset? BackingOffSince,
    DateTimeOffset? RetryNoLaterThan,
    int RestartCount,
    int ConsecutiveFailures,
    string? LastError) : IOrderSystemMessage;
