using Orders.Actors.Services;

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
}

/// <summary>What to do with one payment attempt's answer: decide, or try again after a delay.</summary>
public static class PaymentPolicy
{
    public abstract record Next;
    public sealed record Decide(PaymentDecision Decision) : Next;
    public sealed record RetryAfter(TimeSpan Delay) : Next;

    public static Next After(int attempt, PaymentReply reply, OrderSettings settings) => reply switch
    {
        PaymentApproved a => new Decide(new PaymentDecision.Authorized(a.AuthorizationId)),
        // A decline is the issuer's answer; asking again would only annoy the customer's bank.
        PaymentRefused r => new Decide(new PaymentDecision.Declined(r.Reason)),
        _ when attempt < settings.PaymentAttempts => new RetryAfter(settings.PaymentBackoff.Delay(attempt)),
        PaymentUnavailable u => new Decide(new PaymentDecision.Failed($"payment service unavailable: {u.Reason}")),
        PaymentError e => new Decide(new PaymentDecision.Failed($"payment failed after {attempt} attempts: {e.Reason}")),
        _ => throw new ArgumentOutOfRangeException(nameof(reply)),
    };
}
