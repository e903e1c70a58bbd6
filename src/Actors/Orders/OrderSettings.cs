using Orders.Actors.Services;
using Orders.Actors.Workflows;

namespace Orders.Actors.Orders;

/// <summary>Timeouts, retries and redelivery of one order; bound from configuration section "Orders".</summary>
public sealed record OrderSettings
{
    /// <summary>Per payment attempt; Akka's default ask timeout is infinite, ours never is.</summary>
    public TimeSpan PaymentTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public int PaymentAttempts { get; init; } = 3;
    public TimeSpan PaymentBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan PaymentBackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a fire-and-forget step may go unanswered before it is sent again.</summary>
    public TimeSpan StepAckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan StepBackoffMin { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan StepBackoffMax { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Deliveries of one step before it is parked for an operator.</summary>
    public int StepAttempts { get; init; } = 12;

    public double RandomFactor { get; init; } = 0.2;
    /// <summary>
    /// How long a settled order that is only being read stays in memory after the last message. An order that settles
    /// while running leaves at once.
    /// </summary>
    public TimeSpan PassivateTerminalAfter { get; init; } = TimeSpan.FromSeconds(2);

    public BackoffPolicy PaymentBackoff => new(PaymentBackoffMin, PaymentBackoffMax, RandomFactor);
    public BackoffPolicy StepBackoff => new(StepBackoffMin, StepBackoffMax, RandomFactor);

    /// <summary>The workflow kernel's timeouts and retries for orders: payment is the synchronous call.</summary>
    public WorkflowSettings Kernel => new()
    {
        CallTimeout = PaymentTimeout,
        CallAttempts = PaymentAttempts,
        CallBackoff = PaymentBackoff,
        StepAckTimeout = StepAckTimeout,
        StepAttempts = StepAttempts,
        StepBackoff = StepBackoff,
        PassivateSettledAfter = PassivateTerminalAfter,
    };
}

/// <summary>
/// What a payment attempt's answer means: a decision (approved, or declined: never retried), or a transient failure
/// that the kernel's <see cref="CallPolicy"/> retries while attempts remain.
/// </summary>
public static class PaymentPolicy
{
    public abstract record Next;
    public sealed record Decide(PaymentDecision Decision) : Next;
    public sealed record RetryAfter(TimeSpan Delay) : Next;

    public static Next After(int attempt, PaymentReply reply, OrderSettings settings) =>
        CallPolicy.After(attempt, Classify(reply), settings.PaymentAttempts, settings.PaymentBackoff) is CallPolicy.RetryAfter retry
            ? new RetryAfter(retry.Delay)
            : new Decide(Decision(attempt, reply));

    // A decline is the issuer's answer; asking again would only annoy the customer's bank.
    public static CallAnswer Classify(PaymentReply reply) => reply switch
    {
        PaymentApproved or PaymentRefused => CallAnswer.Final.Instance,
        PaymentUnavailable u => new CallAnswer.Transient(u.Reason),
        PaymentError e => new CallAnswer.Transient(e.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(reply)),
    };

    /// <summary>The decision on the last answer, once no further attempt follows.</summary>
    public static PaymentDecision Decision(int attempt, PaymentReply reply) => reply switch
    {
        PaymentApproved a => new PaymentDecision.Authorized(a.AuthorizationId),
        PaymentRefused r => new PaymentDecision.Declined(r.Reason),
        PaymentUnavailable u => new PaymentDecision.Failed($"payment service unavailable: {u.Reason}"),
        PaymentError e => new PaymentDecision.Failed($"payment failed after {attempt} attempts: {e.Reason}"),
        _ => throw new ArgumentOutOfRangeException(nameof(reply)),
    };
}
