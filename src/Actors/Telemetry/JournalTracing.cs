using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orders.Actors.Telemetry;

/// <summary>
/// Journal writes in the orders' traces. A persistent actor's write reaches the journal as an Akka message with no
/// room for a trace context, so the writer announces the span its work hangs under, keyed by persistence id, and the
/// journal takes it when the write arrives (same node: the journal is local to its writers). A batch then becomes a
/// span under its first writer's, linked to every writer's, with its size: a slow commit shows in the trace that
/// waited on it. (No span per write: under load one batch carries many orders' writes, and a span per write would
/// double what tracing costs an order for no more than the batch's link says.)
/// </summary>
public static class JournalTracing
{
    private static readonly ConcurrentDictionary<string, ActivityContext> Writers = new();

    /// <summary>The span under which <paramref name="persistenceId"/> is about to write (none: not traced).</summary>
    public static void Writing(string persistenceId, ActivityContext writer)
    {
        if (writer != default) Writers[persistenceId] = writer;
    }

    /// <summary>The span announced for the write that just arrived from <paramref name="persistenceId"/>, if any.</summary>
    public static ActivityContext TakeWriter(string persistenceId) =>
        !Writers.IsEmpty && Writers.TryRemove(persistenceId, out var context) ? context : default;

    /// <summary>The writer stopped: whatever it announced and the journal never took goes (the map holds live writers only).</summary>
    public static void Forget(string persistenceId)
    {
        if (!Writers.IsEmpty) Writers.TryRemove(persistenceId, out _);
    }

    /// <summary>A batch's span, or null when no writer in it is traced (a batch nobody waits on in a trace is no trace of its own).</summary>
    public static Activity? StartBatch(string databaseSystem, int rows, IEnumerable<ActivityContext> writers)
    {
        if (!OrderTracing.Enabled) return null;
        var traced = writers.Where(w => w != default).Distinct().ToList();
        if (traced.Count == 0) return null;
        var outer = Activity.Current;
        var activity = OrderTracing.Source.StartActivity("INSERT journal", ActivityKind.Client, traced[0], links: traced.Select(w => new ActivityLink(w)));
        Activity.Current = outer;
        return activity?.SetTag("db.system.name", databaseSystem)
            .SetTag("db.operation.name", "INSERT")
            .SetTag("db.collection.name", "journal")
            .SetTag("db.operation.batch.size", rows);
    }
}
