using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Messaging;
using static Orders.Actors.Inventory.InventoryCommands;
using static Orders.Actors.Inventory.InventoryEvents;

namespace Orders.Actors.Inventory;

/// <summary>
/// One SKU's stock, a sharded persistent entity: all reservations of a SKU pass through this one mailbox, so
/// concurrent orders can never oversell. State is updated as soon as a decision is made, and the answer is
/// sent only once the event is stored.
/// </summary>
public sealed class InventoryActor : ReceivePersistentActor
{
    private readonly int _snapshotEvery;
    private InventoryState _state;
    private int _unconfirmedWrites;
    private int _eventsSinceSnapshot;

    public InventoryActor(string sku, int snapshotEvery)
    {
        _snapshotEvery = snapshotEvery;
        _state = InventoryState.Empty(sku);
        PersistenceId = $"sku-{sku}";

        Recover<SnapshotOffer>(o => _state = (InventoryState)o.Snapshot);
        Recover<IInventoryEvent>(e => _state = _state.Apply(e));

        Command<PerformStep>(Perform);
        Command<SetStock>(s => Record(new StockLevelSet(s.Sku, s.Available), Sender, state => state.Level));
        Command<SeedStock>(s => Record(_state.Stocked ? null : new StockLevelSet(s.Sku, s.Available), Sender, state => state.Level));
        Command<GetStock>(_ => Sender.Tell(_state.Level));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(string sku, int snapshotEvery) =>
        Akka.Actor.Props.Create(() => new InventoryActor(sku, snapshotEvery));

    private void Perform(PerformStep step)
    {
        var orderId = step.OrderId;
        // The SKU's work on the step, like a supervised service's: ended when the answer goes, after the event is stored.
        var span = ServiceWorker.StartPerforming("inventory", step);
        switch (step.Step.Kind)
        {
            case StepKind.ReserveStock:
                var quantity = step.Order.QuantitiesBySku().FirstOrDefault(x => x.Sku == _state.Sku).Quantity;
                Record(_state.Reserve(orderId, quantity), step.ReplyTo, _ => Traced(span, ReservationOutcome(step)));
                break;
            case StepKind.ReleaseStock:
                Record(_state.Release(orderId), step.ReplyTo,
                    _ => Traced(span, new StepOutcome(orderId, step.Step, StepOutcomeKind.Succeeded, $"released {_state.Sku}", null, step.Context)));
                break;
            default:
                step.ReplyTo.Tell(Traced(span, new StepOutcome(orderId, step.Step, StepOutcomeKind.Failed, $"inventory cannot perform {step.Step}", null, step.Context)));
                break;
        }
    }

    private static StepOutcome Traced(Activity? span, StepOutcome outcome)
    {
        MessageTracing.End(span?.SetTag("order.step.outcome", Spelling.Snake(outcome.Kind)), outcome.Kind == StepOutcomeKind.Failed ? outcome.Detail ?? "refused" : null);
        return outcome;
    }

    private StepOutcome ReservationOutcome(PerformStep step)
    {
        var (reserved, detail) = _state.ReservationAnswer(step.OrderId);
        return new StepOutcome(step.OrderId, step.Step, reserved ? StepOutcomeKind.Succeeded : StepOutcomeKind.Failed, detail, null, step.Context);
    }

    /// <summary>Applies the decision now (so the next command sees it) and answers once it is stored.</summary>
    private void Record(IInventoryEvent? @event, IActorRef replyTo, Func<InventoryState, object> answer)
    {
        if (@event is null)
        {
            // Already on record, but a write for it may still be in flight: answer after it, never before.
            DeferAsync(_state, s => Reply(replyTo, answer(s)));
            return;
        }
        _state = _state.Apply(@event);
        _unconfirmedWrites++;
        PersistAsync(@event, _ =>
        {
            _unconfirmedWrites--;
            _eventsSinceSnapshot++;
            Reply(replyTo, answer(_state));
            // A snapshot may only hold what the journal holds, so wait until no write is outstanding. It holds every
            // reservation of the SKU, so it grows with the SKU's history: spacing snapshots by a tenth of that keeps
            // their cost per event bounded (measured: 360 ms of a 10 s profile late in a benchmark run on one SKU, and
            // growing with every order) and recovery replays at most that many events.
            if (_eventsSinceSnapshot >= Math.Max(_snapshotEvery, _state.Reservations.Count / 10) && _unconfirmedWrites == 0)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_state);
            }
        });
    }

    private static void Reply(IActorRef replyTo, object answer)
    {
        if (replyTo.IsNobody()) return; // stock seeded at start-up, with nobody to tell
        replyTo.Tell(answer);
    }
}
