using System.Collections.Immutable;
using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Workflows;

namespace Orders.Actors.Tests.Workflows;

// A tiny workflow on the kernel, independent of orders (the README's "Add a workflow" example): a trip is quoted,
// then charged (two synchronous calls), then a seat is reserved, a ticket issued and the traveller notified (three
// asynchronous steps); a refused step is compensated by refunding the charge.

public enum TripStatus { Quoting, Charging, Booking, Compensating, Booked, Declined, Cancelled }

/// <summary>Where a caller of <see cref="BookTrip"/> wants its answer.</summary>
public enum TripReplyAt { Recorded, Charged, Finished }

public sealed record BookTrip(string TripId, string Traveller, TripReplyAt ReplyAt, MessageContext Context);
public sealed record GetTrip(string TripId);
public sealed record ReplayTripSteps(string TripId);
public sealed record WatchTrip(string TripId, IActorRef Subscriber);
public sealed record UnwatchTrip(string TripId, IActorRef Subscriber);
public sealed record TripRefused(string TripId, string Reason);

public interface ITripEvent;
public sealed record TripRequested(string Traveller, MessageContext Context) : ITripEvent;
public sealed record TripCallFailed(string Call, int Attempt, string Error) : ITripEvent;
public sealed record TripQuoted(string Price, int Attempts) : ITripEvent;
public sealed record TripCharged(string ChargeId, int Attempts) : ITripEvent;
public sealed record TripDeclined(string Call, string Reason, int Attempts) : ITripEvent;
public sealed record TripStepDone(string Step, string? Detail, int Attempts) : ITripEvent;
public sealed record TripStepRefused(string Step, string Reason) : ITripEvent;
public sealed record TripStepRetrying(string Step, int Attempt, string Error) : ITripEvent;
public sealed record TripStepParked(string Step, int Attempts, string Error) : ITripEvent;
public sealed record TripStepReplayed(string Step) : ITripEvent;

public sealed record TripState(string TripId)
{
    public static readonly string[] ForwardSteps = ["issue-ticket", "notify-traveller", "reserve-seat"];
    public const string Refund = "refund";

    public TripStatus? Status { get; init; }
    public string Traveller { get; init; } = "";
    public MessageContext Context { get; init; } = new("", "");
    public string? Price { get; init; }
    public string? ChargeId { get; init; }
    public string? Reason { get; init; }
    public ImmutableDictionary<string, int> CallAttempts { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>Settled steps: "done", "refused" or "parked".</summary>
    public ImmutableDictionary<string, string> Steps { get; init; } = ImmutableDictionary<string, string>.Empty;
    public ImmutableDictionary<string, int> StepAttempts { get; init; } = ImmutableDictionary<string, int>.Empty;
    public int Version { get; init; }

    public bool IsTerminal => Status is TripStatus.Booked or TripStatus.Declined or TripStatus.Cancelled;

    public IReadOnlyList<string> DueSteps() => (Status switch
    {
        TripStatus.Booking => ForwardSteps,
        TripStatus.Compensating => [Refund],
        _ => Array.Empty<string>(),
    }).Where(s => !Steps.ContainsKey(s)).ToList();

    public TripState Apply(ITripEvent e) => (e switch
    {
        TripRequested r => this with { Status = TripStatus.Quoting, Traveller = r.Traveller, Context = r.Context },
        TripCallFailed f => this with { CallAttempts = CallAttempts.SetItem(f.Call, f.Attempt) },
        TripQuoted q => this with { Status = TripStatus.Charging, Price = q.Price, CallAttempts = CallAttempts.SetItem("quote", q.Attempts) },
        TripCharged c => this with { Status = TripStatus.Booking, ChargeId = c.ChargeId, CallAttempts = CallAttempts.SetItem("charge", c.Attempts) },
        TripDeclined d => this with { Status = TripStatus.Declined, Reason = d.Reason, CallAttempts = CallAttempts.SetItem(d.Call, d.Attempts) },
        TripStepDone d => Settle(d.Step, "done", d.Attempts),
        TripStepRefused r => (Settle(r.Step, "refused", StepAttempts.GetValueOrDefault(r.Step))) with { Reason = r.Reason },
        TripStepRetrying r => this with { StepAttempts = StepAttempts.SetItem(r.Step, r.Attempt) },
        TripStepParked p => this with { Steps = Steps.SetItem(p.Step, "parked"), StepAttempts = StepAttempts.SetItem(p.Step, p.Attempts) },
        TripStepReplayed r => this with { Steps = Steps.Remove(r.Step), StepAttempts = StepAttempts.Remove(r.Step) },
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    }).Advance() with { Version = Version + 1 };

    private TripState Settle(string step, string outcome, int attempts) =>
        this with { Steps = Steps.SetItem(step, outcome), StepAttempts = StepAttempts.SetItem(step, attempts) };

    private TripState Advance() => Status switch
    {
        TripStatus.Booking when ForwardSteps.Any(s => Steps.GetValueOrDefault(s) == "refused") => this with { Status = TripStatus.Compensating },
        TripStatus.Booking when ForwardSteps.All(s => Steps.GetValueOrDefault(s) == "done") => this with { Status = TripStatus.Booked },
        TripStatus.Compensating when Steps.GetValueOrDefault(Refund) == "done" => this with { Status = TripStatus.Cancelled },
        _ => this,
    };
}

public sealed record TripView(string TripId, TripStatus Status, string? ChargeId, string? Reason, IReadOnlyDictionary<string, string> Steps, int Version);

/// <summary>A synchronous call's answer: <paramref name="Ok"/>, or a final refusal, or (neither) a transient failure.</summary>
public sealed record TripCallReply(string TripId, string Call, bool Ok, bool Final, string Detail);

/// <param name="Attempt">0: a probe, not counted.</param>
public sealed record PerformTripStep(string TripId, string Step, int Attempt, IActorRef ReplyTo);

/// <summary>A service's answer about a step; <paramref name="Kind"/> in the kernel's terms.</summary>
public sealed record TripStepAnswer(string TripId, string Step, StepAnswerKind Kind, string? Detail);

/// <summary>The whole definition: pure functions of <see cref="TripState"/>, plus where calls and steps go.</summary>
public sealed class TripWorkflow(IActorRef quotes, IActorRef charges, IActorRef stepServices) : IWorkflow<TripState, ITripEvent, string>
{
    public string PersistenceId(string instanceId) => $"trip-{instanceId}";
    public TripState Empty(string instanceId) => new(instanceId);
    public TripState Apply(TripState state, ITripEvent @event) => state.Apply(@event);
    public bool Exists(TripState state) => state.Status is not null;
    public bool IsSettled(TripState state) => state.IsTerminal && state.DueSteps().Count == 0;
    public MessageContext ContextOf(TripState state) => state.Context;

    public CommandResult<ITripEvent> Handle(TripState state, object command, DateTimeOffset now) => command switch
    {
        BookTrip book when state.Status is null => new CommandResult<ITripEvent>.Persist([new TripRequested(book.Traveller, book.Context)], book.ReplyAt, book.Context),
        BookTrip book when book.Traveller != state.Traveller => Refuse(state, "the trip exists for another traveller"),
        BookTrip book => ReplyReady(state, book.ReplyAt)
            ? new CommandResult<ITripEvent>.Reply(View(state))
            : new CommandResult<ITripEvent>.Persist([], book.ReplyAt, book.Context),
        GetTrip when state.Status is null => Refuse(state, "no such trip"),
        GetTrip => new CommandResult<ITripEvent>.Reply(View(state)),
        ReplayTripSteps => state.Steps.Where(s => s.Value == "parked").Select(s => (ITripEvent)new TripStepReplayed(s.Key)).ToList() is { Count: > 0 } replayed
            ? new CommandResult<ITripEvent>.Persist(replayed)
            : Refuse(state, "no parked steps"),
        WatchTrip watch => new CommandResult<ITripEvent>.Watch(watch.Subscriber),
        UnwatchTrip unwatch => new CommandResult<ITripEvent>.Unwatch(unwatch.Subscriber),
        _ => CommandResult<ITripEvent>.Unhandled,
    };

    private static CommandResult<ITripEvent> Refuse(TripState state, string reason) => new CommandResult<ITripEvent>.Reply(new TripRefused(state.TripId, reason), reason);

    public object View(TripState state) => new TripView(state.TripId, state.Status ?? TripStatus.Quoting, state.ChargeId, state.Reason, state.Steps, state.Version);

    public bool ReplyReady(TripState state, object replyPoint) => (TripReplyAt)replyPoint switch
    {
        TripReplyAt.Recorded => state.Status is not null,
        TripReplyAt.Charged => state.Status is not (null or TripStatus.Quoting or TripStatus.Charging),
        _ => state.IsTerminal,
    };

    public object PersistFailed(TripState state, Exception cause, bool rejected) => new TripRefused(state.TripId, $"not stored: {cause.Message}");

    public SyncCall? DueCall(TripState state) => state.Status switch
    {
        TripStatus.Quoting => new SyncCall("quote", quotes, state.CallAttempts.GetValueOrDefault("quote")),
        TripStatus.Charging => new SyncCall("charge", charges, state.CallAttempts.GetValueOrDefault("charge")),
        _ => null,
    };

    public object CallRequest(TripState state, SyncCall call, MessageContext context) => new TripCallRequest(state.TripId, call.Name);
    public object CallUnanswered(TripState state, SyncCall call, string reason) => new TripCallReply(state.TripId, call.Name, false, false, reason);

    public CallAnswer Classify(SyncCall call, object reply) =>
        reply is TripCallReply { Ok: false, Final: false } failed ? new CallAnswer.Transient(failed.Detail) : CallAnswer.Final.Instance;

    public IReadOnlyList<ITripEvent> CallAttemptFailed(TripState state, SyncCall call, int attempt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        [new TripCallFailed(call.Name, attempt, error)];

    public IReadOnlyList<ITripEvent> CallSettled(TripState state, SyncCall call, object reply, int attempts, DateTimeOffset now)
    {
        var answer = (TripCallReply)reply;
        if (!answer.Ok) return [new TripDeclined(call.Name, answer.Detail, attempts)];
        return call.Name == "quote" ? [new TripQuoted(answer.Detail, attempts)] : [new TripCharged(answer.Detail, attempts)];
    }

    public IReadOnlyList<string> DueSteps(TripState state) => state.DueSteps();
    public int StepAttemptsOnRecord(TripState state, string step) => state.StepAttempts.GetValueOrDefault(step);

    public StepDelivery StepRequest(TripState state, string step, MessageContext context, int attempt, IActorRef instance) =>
        new(stepServices, new PerformTripStep(state.TripId, step, attempt, instance));

    public StepAnswer<string>? ReadStepAnswer(object message) =>
        message is TripStepAnswer a ? new StepAnswer<string>(a.Step, a.Kind, a.Detail) : null;

    public IReadOnlyList<ITripEvent> StepSucceeded(TripState state, string step, string? detail, DateTimeOffset now, int attempts, DateTimeOffset? sentAt) =>
        state.DueSteps().Contains(step) ? [new TripStepDone(step, detail, attempts)] : [];

    public IReadOnlyList<ITripEvent> StepRefused(TripState state, string step, string reason, DateTimeOffset now, int attempts, DateTimeOffset? sentAt) =>
        !state.DueSteps().Contains(step) ? []
        // An undo that is refused needs a person, not another undo.
        : step == TripState.Refund ? [new TripStepParked(step, attempts, $"refused: {reason}")]
        : [new TripStepRefused(step, reason)];

    public IReadOnlyList<ITripEvent> StepAttemptFailed(TripState state, string step, int attempt, DateTimeOffset sentAt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        state.DueSteps().Contains(step) ? [new TripStepRetrying(step, attempt, error)] : [];

    public IReadOnlyList<ITripEvent> StepParked(TripState state, string step, int attempts, string lastError, DateTimeOffset now, DateTimeOffset? lastSentAt) =>
        state.DueSteps().Contains(step) ? [new TripStepParked(step, attempts, lastError)] : [];
}

public sealed record TripCallRequest(string TripId, string Call);

/// <summary>How the trip's journal reads to operator tools. Trip events carry no time: their facts take the journal's.</summary>
public sealed class TripHistory : IWorkflowHistory<ITripEvent>
{
    public const string Type = "trip";

    public static readonly TripHistory Instance = new();

    string IWorkflowHistory<ITripEvent>.Type => Type;

    public IReadOnlyList<WorkflowFact> FactsOf(ITripEvent @event, DateTimeOffset recordedAt) => @event switch
    {
        TripCallFailed f => [new WorkflowFact.CallAttemptFailed(f.Call, f.Attempt, f.Error, null, recordedAt)],
        TripQuoted q => [new WorkflowFact.CallSettled("quote", q.Attempts, "quoted", q.Price, recordedAt)],
        TripCharged c => [new WorkflowFact.CallSettled("charge", c.Attempts, "charged", c.ChargeId, recordedAt)],
        TripDeclined d => [new WorkflowFact.CallSettled(d.Call, d.Attempts, "declined", d.Reason, recordedAt)],
        TripStepRetrying r => [new WorkflowFact.StepAttemptFailed(r.Step, r.Attempt, r.Error, null, recordedAt)],
        TripStepDone d => [new WorkflowFact.StepSucceeded(d.Step, d.Attempts, d.Detail, recordedAt)],
        TripStepRefused r => [new WorkflowFact.StepRefused(r.Step, 0, r.Reason, recordedAt), new WorkflowFact.StepsWithdrawn(TripState.ForwardSteps, recordedAt)],
        TripStepParked p => [new WorkflowFact.StepParked(p.Step, p.Attempts, p.Error, recordedAt)],
        TripStepReplayed r => [new WorkflowFact.StepReplayed(r.Step, recordedAt)],
        _ => [],
    };
}
