using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace Orders.Actors.Analytics;

/// <summary>Tags every order event so consumers can read the order stream with events-by-tag.</summary>
public sealed class OrderEventTagger : IWriteEventAdapter
{
    private static readonly IImmutableSet<string> Tags = ImmutableHashSet.Create(Streams.OrderEventStream.Tag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => new Tagged(evt, Tags);
}
