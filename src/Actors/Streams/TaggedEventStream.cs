using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Orders.Actors.Streams;

/// <summary>
/// A workflow's event stream (events by tag: its workflow type, "order" for orders) delivered to a consumer actor in batches, one batch at a time:
/// the next batch is read only after the consumer answered <see cref="BatchDone"/> for the previous one, so a
/// consumer that stores its offset with each batch never skips or double-counts.
/// </summary>
public static class TaggedEventStream
{
    /// <summary>The order workflow's events.</summary>
    public const string OrderTag = "order";

    public sealed record Batch(IReadOnlyList<EventEnvelope> Events)
    {
        public long LastOffset => Events.Count == 0 ? 0 : ((Sequence)Events[^1].Offset).Value;
    }

    public sealed record BatchDone
    {
        public static readonly BatchDone Instance = new();
    }

    /// <summary>Told to the consumer when the stream stops; <paramref name="Generation"/> tells old streams from the current one.</summary>
    /// <remarks>It may reach a consumer that already stopped (at shutdown): that is expected, not a lost message.</remarks>
    public sealed record Ended(long Generation, Exception? Error) : IDeadLetterSuppression;

    public sealed record Settings(string ReadJournalId, int BatchSize, TimeSpan BatchWindow, string Tag = OrderTag);

    public static UniqueKillSwitch Start(ActorSystem system, IActorRef consumer, Settings settings, long afterOffset, long generation)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<IEventsByTagQuery>(settings.ReadJournalId);
        var (killSwitch, done) = journal.EventsByTag(settings.Tag, Offset.Sequence(afterOffset))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .GroupedWithin(settings.BatchSize, settings.BatchWindow)
            .SelectAsync(1, events => consumer.Ask<BatchDone>(new Batch(events.ToList()), TimeSpan.FromSeconds(60)))
            .ToMaterialized(Sink.Ignore<BatchDone>(), Keep.Both)
            .Run(system.Materializer());
        done.ContinueWith(t => new Ended(generation, t.Exception?.GetBaseException())).PipeTo(consumer);
        return killSwitch;
    }
}
