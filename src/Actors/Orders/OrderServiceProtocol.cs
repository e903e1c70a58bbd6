using System.Text.Json.Serialization;
using System.Diagnostics;
using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Services;

namespace Orders.Actors.Orders;

// What an order sends to its services and what they answer: the checkout's own vocabulary on the services'
// workflow-agnostic contract (IServiceRequest).

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
    int Attempt = 0) : ICallbackRequest, IWithOrderId
{
    // Derived, so not on the wire: the message reads as it did before requests named their workflow.
    [JsonIgnore] public string Workflow => OrderWorkflow.Type;
    [JsonIgnore] public string? CallbackUrl => Order.CallbackUrl;
    [JsonIgnore] public string InstanceId => OrderId;
    public void TagSpan(Activity span) => span.SetTag("order.step", Step.PublicName).SetTag("order.step.attempt", Attempt);
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

public sealed record AuthorizePayment(string OrderId, long AmountMinor, string Currency, string PaymentToken, MessageContext Context) : IServiceRequest, IWithOrderId
{
    [JsonIgnore] public string Workflow => OrderWorkflow.Type;
    [JsonIgnore] public string InstanceId => OrderId;
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
