using System.Collections.Concurrent;
using Akka.Actor;

namespace Orders.Actors.Streams;

/// <summary>
/// How many events each consumer of a workflow's event stream running on this node has still to process: the tagged
/// journal rows after the offset it last stored. Consumers report their offset as they store it; the journal supplies
/// the count, so a node whose journal cannot count (an in-memory journal) reports no lag rather than a wrong one.
/// </summary>
public sealed class EventStreamLag : IExtension
{
    /// <summary>
    /// The journal rows after a consumer's offset that are read to count its events exactly; each row beyond counts as one
    /// (an upper bound), so measuring a consumer far behind never reads the whole journal.
    /// </summary>
    public const long ExactWithin = 10_000;

    private readonly ConcurrentDictionary<string, (string Tag, long Offset)> _offsets = new();
    private volatile Func<string, long, long, CancellationToken, Task<long>>? _countTaggedAfter;

    public static EventStreamLag For(ActorSystem system) => system.WithExtension<EventStreamLag, EventStreamLagId>();

    /// <summary>The consumer stored its position (it may move back, when an operator replays from an earlier offset).</summary>
    public void Stored(string consumer, long offset, string tag = TaggedEventStream.OrderTag) => _offsets[consumer] = (tag, offset);

    /// <summary>The consumer no longer runs here (it stopped, or its singleton moved to another node).</summary>
    public void Stopped(string consumer) => _offsets.TryRemove(consumer, out _);

    /// <summary>Given by the journal: the rows carrying a tag after an offset, exact within a number of rows (<see cref="ExactWithin"/>).</summary>
    public void UseJournal(Func<string, long, long, CancellationToken, Task<long>> countTaggedAfter) => _countTaggedAfter = countTaggedAfter;

    /// <summary>Each consumer running here and the events it is behind; empty when the journal cannot count.</summary>
    public async Task<IReadOnlyList<(string Consumer, long Behind)>> MeasureAsync(CancellationToken ct)
    {
        if (_countTaggedAfter is not { } count) return [];
        var lags = new List<(string, long)>();
        foreach (var (consumer, (tag, offset)) in _offsets.ToArray())
            lags.Add((consumer, await count(tag, offset, ExactWithin, ct).ConfigureAwait(false)));
        return lags;
    }
}

public sealed class EventStreamLagId : ExtensionIdProvider<EventStreamLag>
{
    public override EventStreamLag CreateExtension(ExtendedActorSystem system) => new();
}
