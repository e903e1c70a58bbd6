using Akka.Actor;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

/// <summary>
/// An order's whole story in time order, read from its journal: the events are the story, so nothing extra is
/// kept in memory or written on the hot path to tell it.
/// </summary>
public static class OrderTimeline
{
    public static async Task<(OrderState State, IReadOnlyList<TimelineEntry> Entries)> ReadAsync(ActorSystem system, string orderId, CancellationToken ct)
    {
        var events = await WorkflowTimeline.EventsAsync<IOrderEvent>(system, $"{OrderWorkflow.Type}-{orderId}", ct).ConfigureAwait(false);
        return From(orderId, events.Select(e => e.Event));
    }

    public static (OrderState State, IReadOnlyList<TimelineEntry> Entries) From(string orderId, IEnumerable<IOrderEvent> events)
    {
        var state = OrderState.Empty(orderId);
        var entries = new List<TimelineEntry>();
        foreach (var e in events)
        {
            var before = state.Status;
            state = state.Apply(e);
            entries.AddRange(WorkflowTimeline.Describe(OrderHistory.Instance, OrderHistory.Instance.FactsOf(e, e.At)));
            if (state.Status != before)
                entries.Add(new TimelineEntry(e.At, "status", null, 0, Spelling.Snake(state.Status!.Value), StatusDetail(e)));
        }
        return (state, WorkflowTimeline.InTimeOrder(entries));
    }

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
