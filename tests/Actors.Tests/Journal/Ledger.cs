using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Orders.Actors.Messaging;

namespace Orders.Actors.Tests.Journal;

/// <summary>A persistent list of strings; replies with the last sequence number after each append.</summary>
internal sealed class Ledger : ReceivePersistentActor
{
    public sealed record Append(string[] Items, string? Tag = null);
    public sealed record DeleteTo(long SequenceNr);
    public sealed class Read { public static readonly Read Instance = new(); }
    public sealed class AppendUnserializable { public static readonly AppendUnserializable Instance = new(); }

    /// <summary>Bound to the order system's serializer, which refuses types without a manifest.</summary>
    private sealed record Unlisted : IOrderSystemMessage;

    private readonly List<string> _items = [];
    private IActorRef? _deleteRequester;

    public Ledger(string id)
    {
        PersistenceId = id;
        Recover<string>(item => _items.Add(item));
        Command<Append>(append =>
        {
            var sender = Sender;
            var events = append.Items.Select(i => append.Tag is null ? (object)i : new Tagged(i, [append.Tag])).ToList();
            var left = events.Count;
            PersistAll(events, e =>
            {
                _items.Add(e is Tagged t ? (string)t.Payload : (string)e);
                if (--left == 0) sender.Tell(LastSequenceNr);
            });
        });
        Command<AppendUnserializable>(_ =>
        {
            Persist(new Unlisted(), _ => Sender.Tell("persisted"));
        });
        Command<Read>(_ => Sender.Tell(_items.ToArray()));
        Command<DeleteTo>(delete =>
        {
            _deleteRequester = Sender;
            DeleteMessages(delete.SequenceNr);
        });
        Command<DeleteMessagesSuccess>(s =>
        {
            _items.Clear();
            _deleteRequester?.Tell($"deleted to {s.ToSequenceNr}");
        });
    }

    public override string PersistenceId { get; }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        Sender.Tell($"rejected: {cause.Message}");
}
