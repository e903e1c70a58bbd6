using Orders.Actors.Streams;

namespace Orders.Actors.Analytics;

/// <summary>Tags every order event so consumers can read the order stream with events-by-tag.</summary>
public sealed class OrderEventTagger() : WorkflowEventTagger(TaggedEventStream.OrderTag);
