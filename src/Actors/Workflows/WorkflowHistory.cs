namespace Orders.Actors.Workflows;

/// <summary>
/// How a workflow's journal reads to operator tools: what each event says about its synchronous calls and its steps,
/// in the kernel's terms. The step-issue read model, the timeline and the admin API's replay are written once for
/// every workflow from these facts, keyed by step identity (workflow type, instance id, step).
/// </summary>
public interface IWorkflowHistory<in TEvent>
{
    /// <summary>The workflow type, as in step identity and service requests ("order").</summary>
    string Type { get; }

    /// <param name="recordedAt">When the journal stored the event: the time of facts whose event carries none of its own.</param>
    IReadOnlyList<WorkflowFact> FactsOf(TEvent @event, DateTimeOffset recordedAt);

    /// <summary>A step's name as clients and operators read it; a step's recorded name (its dedupe key) never changes.</summary>
    string PublicName(string step) => step;

    /// <summary>An instance's persistence id, as its definition names it ("{type}-{id}": "order-42").</summary>
    string PersistenceIdOf(string instanceId) => $"{Type}-{instanceId}";

    /// <summary>The instance a persistence id belongs to (the inverse of <see cref="PersistenceIdOf"/>).</summary>
    string InstanceOf(string persistenceId) => persistenceId.StartsWith(Type + "-", StringComparison.Ordinal) ? persistenceId[(Type.Length + 1)..] : persistenceId;
}

/// <summary>One thing an event records about a call or a step. Steps are named "kind" or "kind:subject" ("reserve-stock:SKU-A").</summary>
public abstract record WorkflowFact(DateTimeOffset At)
{
    /// <summary>A synchronous call's attempt failed; another follows at <paramref name="NextAttemptAt"/>.</summary>
    public sealed record CallAttemptFailed(string Call, int Attempt, string Error, DateTimeOffset? NextAttemptAt, DateTimeOffset At) : WorkflowFact(At);

    /// <summary>A synchronous call is decided; <paramref name="Outcome"/> names how ("authorized", "declined", "gave_up").</summary>
    public sealed record CallSettled(string Call, int Attempts, string Outcome, string? Detail, DateTimeOffset At) : WorkflowFact(At);

    public sealed record StepSent(string Step, int Attempt, DateTimeOffset At) : WorkflowFact(At);

    public sealed record StepAttemptFailed(string Step, int Attempt, string Error, DateTimeOffset? NextAttemptAt, DateTimeOffset At) : WorkflowFact(At);

    /// <param name="Attempts">Deliveries it took; 0 when not recorded (an event older than attempt counting).</param>
    public sealed record StepSucceeded(string Step, int Attempts, string? Detail, DateTimeOffset At) : WorkflowFact(At);

    /// <summary>A business refusal, recorded as the step's outcome.</summary>
    public sealed record StepRefused(string Step, int Attempts, string Reason, DateTimeOffset At) : WorkflowFact(At);

    /// <param name="Consequence">What else waits because of it, for people reading the story ("later notifications wait behind it").</param>
    public sealed record StepParked(string Step, int Attempts, string Error, DateTimeOffset At, string? Consequence = null) : WorkflowFact(At);

    /// <summary>Put back into delivery by an operator.</summary>
    public sealed record StepReplayed(string Step, DateTimeOffset At) : WorkflowFact(At);

    /// <summary>Steps of these kinds are no longer due (the instance turned to compensating): any still retrying stop.</summary>
    public sealed record StepsWithdrawn(IReadOnlyList<string> Kinds, DateTimeOffset At) : WorkflowFact(At);

    /// <summary>The kind of a step ("reserve-stock" of "reserve-stock:SKU-A"): what issues are grouped and counted by.</summary>
    public static string KindOf(string step) => step.IndexOf(':') is var colon and >= 0 ? step[..colon] : step;
}
