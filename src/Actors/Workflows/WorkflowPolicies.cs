namespace Orders.Actors.Workflows;

/// <summary>Timeouts, retries and redelivery that the kernel applies to every instance of a workflow.</summary>
public sealed record WorkflowSettings
{
    /// <summary>Per synchronous call attempt; Akka's default ask timeout is infinite, ours never is.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public int CallAttempts { get; init; } = 3;
    public BackoffPolicy CallBackoff { get; init; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 0.2);

    /// <summary>How long an asynchronous step may go unanswered before it is sent again.</summary>
    public TimeSpan StepAckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Deliveries of one step before it is parked for an operator.</summary>
    public int StepAttempts { get; init; } = 12;
    public BackoffPolicy StepBackoff { get; init; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2);

    /// <summary>How long a settled instance that is only being read stays in memory; one that settles while running leaves at once.</summary>
    public TimeSpan PassivateSettledAfter { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long an instance that does not exist (a read of an unknown id) stays in memory.</summary>
    public TimeSpan PassivateUnknownAfter { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>What to do after one attempt of a synchronous call: settle with this answer, or try again after a delay.</summary>
public static class CallPolicy
{
    public abstract record Next;
    public sealed record Settle : Next
    {
        public static readonly Settle Instance = new();
    }
    public sealed record RetryAfter(TimeSpan Delay) : Next;

    public static Next After(int attempt, CallAnswer answer, int maxAttempts, BackoffPolicy backoff) =>
        answer is CallAnswer.Transient && attempt < maxAttempts ? new RetryAfter(backoff.Delay(attempt)) : Settle.Instance;
}

/// <summary>What to do after a step's delivery failed transiently: redeliver after a delay, or park it for an operator.</summary>
public static class DeliveryPolicy
{
    public abstract record Next;
    public sealed record Park : Next
    {
        public static readonly Park Instance = new();
    }
    public sealed record RedeliverAfter(TimeSpan Delay) : Next;

    /// <param name="attempts">Deliveries made so far, the failed one included.</param>
    /// <param name="notBefore">The service's own word on when it can take the step again (it is backing off), if it said.</param>
    public static Next AfterFailure(int attempts, DateTimeOffset now, DateTimeOffset? notBefore, int maxAttempts, BackoffPolicy backoff)
    {
        if (attempts >= maxAttempts) return Park.Instance;
        var delay = backoff.Delay(attempts);
        if (notBefore is { } earliest && earliest - now > delay) delay = earliest - now;
        return new RedeliverAfter(delay);
    }
}
