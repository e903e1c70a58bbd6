using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace Orders.Actors.Streams;

/// <summary>
/// Tags every event of one workflow with its type, so that its consumers (read models, analytics) read it with
/// events-by-tag (<see cref="TaggedEventStream"/>). Bound to the workflow's event interface in the journal's
/// event-adapter-bindings.
/// </summary>
public abstract class WorkflowEventTagger(string workflowType) : IWriteEventAdapter
{
    private readonly IImmutableSet<string> _tags = ImmutableHashSet.Create(workflowType);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => new Tagged(evt, _tags);
}
