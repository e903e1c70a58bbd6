using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Orders.Actors.Orders;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

/// <summary>One moment of an order's story: a status change, a payment attempt, a step delivery sent or answered.</summary>
/// <param name="Kind">status, payment_attempt, step_sent, step_attempt, step_parked, step_replayed.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? Step, int Attempt, string Outcome, string? Detail, DateTimeOffset? NextAttemptAt = null);

/// <summary>
/// An order's whole story in time order, read from its journal: the events are the story, so nothing extra is
/// kept in memory or written on the hot path to tell it.
/// </summary>
public static class OrderTimeline
{
    public static async Task<(OrderState State, IReadOnlyList<TimelineEntry> Entries)> ReadAsync(ActorSystem system, string orderId, CancellationToken ct)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = new List<IOrderEvent>();
        await journal.CurrentEventsByPersistenceId($"order-{orderId}", 0, long.MaxValue)
            .RunForeach(e => { if (e.Event is IOrderEvent orderEvent) events.Add(orderEvent); }, system.Materializer())
            .WaitAsync(ct).ConfigureAwait(false);
        return From(orderId, events);
    }

    public static (OrderState State, IReadOnlyList<TimelineEntry> Entries) From(string orderId, IEnumerable<IOrderEvent> events)
    {
        var state = OrderState.Empty(orderId);
        var entries = new List<TimelineEntry>();
        foreach (var e in events)
        {
            var before = state.Status;
            state = state.Apply(e);
            entries.AddRange(Describe(e, state));
            if (state.Status != before)
                entries.Add(new TimelineEntry(e.At, "status", null, 0, Spelling.Snake(state.Status!.Value), StatusDetail(e)));
        }
        // Stable: entries of one instant keep the order the events happened in.
        return (state, entries.Select((entry, i) => (entry, i)).OrderBy(x => x.entry.At).ThenBy(x => x.i).Select(x => x.entry).ToList());
    }

    private static IEnumerable<TimelineEntry> Describe(IOrderEvent e, OrderState state)
    {
        switch (e)
        {
            case PaymentAttemptFailed f:
                yield return new TimelineEntry(f.At, "payment_attempt", null, f.Attempt, "failed", f.Error, f.NextAttemptAt);
                break;
            case PaymentAuthorized a:
                yield return new TimelineEntry(a.At, "payment_attempt", null, a.Attempts, "authorized", a.AuthorizationId);
                break;
            case PaymentDeclined d:
                yield return new TimelineEntry(d.At, "payment_attempt", null, d.Attempts, "declined", d.Reason);
                break;
            case PaymentRejected r:
                yield return new TimelineEntry(r.At, "payment_attempt", null, r.Attempts, "gave_up", r.Reason);
                break;
            case StepAttemptFailed f:
                yield return Sent(f.Step, f.Attempt, f.SentAt);
                yield return new TimelineEntry(f.At, "step_attempt", f.Step.PublicName, f.Attempt, "failed", f.Error, f.NextAttemptAt);
                break;
            case StepSucceeded s:
                if (s.SentAt is { } sent) yield return Sent(s.Step, s.Attempts, sent);
                yield return new TimelineEntry(s.At, "step_attempt", s.Step.PublicName, s.Attempts, "succeeded", s.Detail);
                break;
            case StepFailed f:
                if (f.SentAt is { } sentFailed) yield return Sent(f.Step, f.Attempts, sentFailed);
                yield return new TimelineEntry(f.At, "step_attempt", f.Step.PublicName, f.Attempts, "refused", f.Reason);
                break;
            case StepParked p:
                if (p.LastSentAt is { } sentParked) yield return Sent(p.Step, p.Attempts, sentParked);
                var blocked = p.Step.Kind == StepKind.NotifyWebhook ? "; later notifications wait behind it" : "";
                yield return new TimelineEntry(p.At, "step_parked", p.Step.PublicName, p.Attempts, "parked", p.LastError + blocked);
                break;
            case StepUnparked u:
                yield return new TimelineEntry(u.At, "step_replayed", u.Step.PublicName, 0, "replayed", "put back into delivery by an operator");
                break;
        }
    }

    private static TimelineEntry Sent(StepId step, int attempt, DateTimeOffset at) => new(at, "step_sent", step.PublicName, attempt, "sent", null);

    private static string? StatusDetail(IOrderEvent e) => e switch
    {
        OrderPlaced p => $"{Spelling.Snake(p.Mode)} order, {p.Details.TotalMinor} {p.Details.Currency} minor units, {p.Details.Lines.Count} line(s)",
        CompensationStarted c => c.Reason,
        OrderCancelled c => c.Reason,
        PaymentDeclined d => d.Reason,
        PaymentRejected r => r.Reason,
        _ => null,
    };
}
