using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;

namespace Orders.Actors.Workflows;

/// <summary>One moment of an instance's story: a status change, a call attempt, a step delivery sent or answered.</summary>
/// <param name="Kind">status, {call}_attempt (payment_attempt), step_sent, step_attempt, step_parked, step_replayed.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? Step, int Attempt, string Outcome, string? Detail, DateTimeOffset? NextAttemptAt = null);

/// <summary>The calls' and steps' part of any workflow's story, told from its facts; a workflow adds its own status changes.</summary>
public static class WorkflowTimeline
{
    /// <summary>The calls' and steps' story of one instance, read from its journal: nothing extra is kept or written on the hot path to tell it.</summary>
    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync<TEvent>(ActorSystem system, IWorkflowHistory<TEvent> history, string instanceId, CancellationToken ct)
    {
        var events = await EventsAsync<TEvent>(system, history.PersistenceIdOf(instanceId), ct).ConfigureAwait(false);
        return InTimeOrder(events.SelectMany(e => Describe(history, history.FactsOf(e.Event, e.RecordedAt))));
    }

    /// <summary>An instance's events with the time the journal stored each.</summary>
    public static async Task<IReadOnlyList<(TEvent Event, DateTimeOffset RecordedAt)>> EventsAsync<TEvent>(ActorSystem system, string persistenceId, CancellationToken ct)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = new List<(TEvent, DateTimeOffset)>();
        await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            // The journal's timestamp is UTC ticks.
            .RunForeach(e => { if (e.Event is TEvent typed) events.Add((typed, new DateTimeOffset(e.Timestamp, TimeSpan.Zero))); }, system.Materializer())
            .WaitAsync(ct).ConfigureAwait(false);
        return events;
    }

    /// <summary>Stable: entries of one instant keep the order the events happened in.</summary>
    public static IReadOnlyList<TimelineEntry> InTimeOrder(IEnumerable<TimelineEntry> entries) =>
        entries.Select((entry, i) => (entry, i)).OrderBy(x => x.entry.At).ThenBy(x => x.i).Select(x => x.entry).ToList();

    public static IEnumerable<TimelineEntry> Describe<TEvent>(IWorkflowHistory<TEvent> history, IEnumerable<WorkflowFact> facts)
    {
        foreach (var fact in facts)
            if (Describe(history, fact) is { } entry) yield return entry;
    }

    private static TimelineEntry? Describe<TEvent>(IWorkflowHistory<TEvent> history, WorkflowFact fact) => fact switch
    {
        WorkflowFact.CallAttemptFailed f => new(f.At, $"{f.Call}_attempt", null, f.Attempt, "failed", f.Error, f.NextAttemptAt),
        WorkflowFact.CallSettled s => new(s.At, $"{s.Call}_attempt", null, s.Attempts, s.Outcome, s.Detail),
        WorkflowFact.StepSent s => new(s.At, "step_sent", history.PublicName(s.Step), s.Attempt, "sent", null),
        WorkflowFact.StepAttemptFailed f => new(f.At, "step_attempt", history.PublicName(f.Step), f.Attempt, "failed", f.Error, f.NextAttemptAt),
        WorkflowFact.StepSucceeded s => new(s.At, "step_attempt", history.PublicName(s.Step), s.Attempts, "succeeded", s.Detail),
        WorkflowFact.StepRefused r => new(r.At, "step_attempt", history.PublicName(r.Step), r.Attempts, "refused", r.Reason),
        WorkflowFact.StepParked p => new(p.At, "step_parked", history.PublicName(p.Step), p.Attempts, "parked",
            p.Consequence is null ? p.Error : $"{p.Error}; {p.Consequence}"),
        WorkflowFact.StepReplayed r => new(r.At, "step_replayed", history.PublicName(r.Step), 0, "replayed", "put back into delivery by an operator"),
        _ => null,
    };
}
