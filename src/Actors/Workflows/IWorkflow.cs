using Akka.Actor;
using Orders.Actors.Messaging;

namespace Orders.Actors.Workflows;

/// <summary>
/// A workflow's definition: what it decides and what it needs done, as pure functions of its state. The kernel
/// (<see cref="WorkflowActor{TState,TEvent,TStep}"/>) does the rest once for every workflow: persistence, the
/// synchronous calls' timeouts and retries, step delivery and redelivery, parking, waiting callers and watchers,
/// passivation and hand-off. The definition object may hold the actors its calls and steps go to; its methods read
/// them and the state, and never send, persist or read a clock (the kernel passes "now").
/// </summary>
/// <typeparam name="TStep">One asynchronous step of one instance; with the instance it is the downstream dedupe key.</typeparam>
public interface IWorkflow<TState, TEvent, TStep> where TState : class where TEvent : class where TStep : notnull
{
    string PersistenceId(string instanceId);
    TState Empty(string instanceId);
    TState Apply(TState state, TEvent @event);
    bool Exists(TState state);

    /// <summary>Finished with nothing left to do: the instance may leave memory.</summary>
    bool IsSettled(TState state);

    /// <summary>The instance's own correlation and trace context, which its calls and steps carry.</summary>
    MessageContext ContextOf(TState state);

    // ---- commands and replies ----

    /// <summary>What a client's message does; <see cref="CommandResult{TEvent}.Unhandled"/> for messages the workflow does not know.</summary>
    CommandResult<TEvent> Handle(TState state, object command, DateTimeOffset now);

    /// <summary>The reply that shows the instance: sent to callers, watchers, and after a command is persisted.</summary>
    object View(TState state);

    /// <summary>Has the instance reached the point a caller waits for (<see cref="CommandResult{TEvent}.Persist.ReplyAt"/>)?</summary>
    bool ReplyReady(TState state, object replyPoint);

    /// <summary>The reply for every caller whose command could not be stored (<paramref name="rejected"/>: the journal refused the event).</summary>
    object PersistFailed(TState state, Exception cause, bool rejected);

    // ---- synchronous calls: asked, awaited, retried with backoff; a final answer is never retried ----

    /// <summary>The call the instance waits on now, if any.</summary>
    SyncCall? DueCall(TState state);
    object CallRequest(TState state, SyncCall call, MessageContext context);
    /// <summary>The answer of a call nobody answered (timeout), in the call's own reply vocabulary.</summary>
    object CallUnanswered(TState state, SyncCall call, string reason);
    CallAnswer Classify(SyncCall call, object reply);
    IReadOnlyList<TEvent> CallAttemptFailed(TState state, SyncCall call, int attempt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now);
    /// <summary>The call is decided: by a final answer, or by the last transient one when attempts ran out.</summary>
    IReadOnlyList<TEvent> CallSettled(TState state, SyncCall call, object reply, int attempts, DateTimeOffset now);

    // ---- asynchronous steps: sent, redelivered until their outcome is recorded, parked when attempts run out ----

    /// <summary>The steps that should be in flight now: not yet answered, not parked.</summary>
    IReadOnlyList<TStep> DueSteps(TState state);
    /// <summary>Deliveries of the step already on record (a restart or hand-off continues counting from them).</summary>
    int StepAttemptsOnRecord(TState state, TStep step);
    /// <param name="attempt">Which delivery this is; 0 for a probe that does not count.</param>
    /// <param name="instance">The instance's own actor, for answers when the definition names no better place (a shard region).</param>
    StepDelivery StepRequest(TState state, TStep step, MessageContext context, int attempt, IActorRef instance);
    /// <summary>A service's answer about a step, in the kernel's terms; null when <paramref name="message"/> is none.</summary>
    StepAnswer<TStep>? ReadStepAnswer(object message);
    IReadOnlyList<TEvent> StepSucceeded(TState state, TStep step, string? detail, DateTimeOffset now, int attempts, DateTimeOffset? sentAt);
    /// <summary>A business refusal; the definition decides what follows (compensation, or parking for a person).</summary>
    IReadOnlyList<TEvent> StepRefused(TState state, TStep step, string reason, DateTimeOffset now, int attempts, DateTimeOffset? sentAt);
    IReadOnlyList<TEvent> StepAttemptFailed(TState state, TStep step, int attempt, DateTimeOffset sentAt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now);
    IReadOnlyList<TEvent> StepParked(TState state, TStep step, int attempts, string lastError, DateTimeOffset now, DateTimeOffset? lastSentAt);
}

/// <summary>A synchronous call due now: its name (spans, logs), where it goes, and how many attempts are already on record.</summary>
public sealed record SyncCall(string Name, IActorRef Target, int AttemptsOnRecord);

/// <summary>Where one delivery of a step goes, and the message.</summary>
public readonly record struct StepDelivery(IActorRef Target, object Request);

/// <summary>A synchronous call's answer as the retry policy sees it.</summary>
public abstract record CallAnswer
{
    /// <summary>Decided (approved, or declined: a decline is an answer, never retried).</summary>
    public sealed record Final : CallAnswer
    {
        public static readonly Final Instance = new();
    }

    /// <summary>No decision (error, timeout, service backing off): worth another attempt.</summary>
    public sealed record Transient(string Reason) : CallAnswer;
}

public enum StepAnswerKind
{
    Succeeded,
    /// <summary>A business refusal; redelivering will not change it.</summary>
    Refused,
    /// <summary>Worth redelivering later.</summary>
    Transient,
    /// <summary>The service the step waits on can take it now: send it at once instead of at the end of its backoff.</summary>
    Recovered,
    /// <summary>As <see cref="Recovered"/>, but only to find out: not an attempt, its failure not recorded.</summary>
    Probe,
}

public sealed record StepAnswer<TStep>(TStep Step, StepAnswerKind Kind, string? Detail = null, DateTimeOffset? RetryNotBefore = null);

/// <summary>What a client's command does to an instance.</summary>
public abstract record CommandResult<TEvent>
{
    public static readonly CommandResult<TEvent> Unhandled = new NotMine();

    /// <summary>
    /// Answered now; nothing changes. <paramref name="Error"/> names a refusal (for the command's span);
    /// <paramref name="To"/> is who hears it, when not the sender.
    /// </summary>
    public sealed record Reply(object Message, string? Error = null, IActorRef? To = null) : CommandResult<TEvent>;

    /// <summary>
    /// Persist <paramref name="Events"/> (possibly none). Without <paramref name="ReplyAt"/> the caller gets the view
    /// once they are stored; with it, the caller waits until <see cref="IWorkflow{TState,TEvent,TStep}.ReplyReady"/>
    /// holds for it. A caller that sends again with the same <paramref name="Call"/> keeps one waiting place.
    /// </summary>
    public sealed record Persist(IReadOnlyList<TEvent> Events, object? ReplyAt = null, object? Call = null) : CommandResult<TEvent>;

    /// <summary>The subscriber gets the view now and after every change, until it stops or unwatches.</summary>
    public sealed record Watch(IActorRef Subscriber) : CommandResult<TEvent>;

    public sealed record Unwatch(IActorRef Subscriber) : CommandResult<TEvent>;

    private sealed record NotMine : CommandResult<TEvent>;
}

/// <summary>
/// Sent by the shard when an instance moves to another node (graceful leave, rebalance): it stops once every caller
/// waiting on it has its answer, so a hand-off never turns into a failed client call.
/// </summary>
public sealed record StopForHandOff : IOrderSystemMessage
{
    public static readonly StopForHandOff Instance = new();
}
