using Akka.Actor;
using Akka.Event;
using Orders.Actors.Streams;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

/// <summary>Keeps <see cref="OrderIndexStore"/> up to date from the order event stream; its offset is stored (projection_offset) in the same transaction as the rows it applies.</summary>
public sealed class OrderIndexProjection : ReceiveActor, IWithTimers
{
    public const string Name = "order-index";

    private sealed record Started(long Offset, Exception? Error);
    private sealed record Applied(long Offset, IActorRef ReplyTo, Exception? Error);
    private sealed record Restart;

    private readonly OrderIndexStore _store;
    private readonly OrderEventStream.Settings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EventStreamLag _lag = EventStreamLag.For(Context.System);
    private Akka.Streams.UniqueKillSwitch? _stream;
    private long _generation;
    private long _offset;

    public ITimerScheduler Timers { get; set; } = null!;

    public OrderIndexProjection(OrderIndexStore store, OrderEventStream.Settings settings)
    {
        _store = store;
        _settings = settings;

        Receive<Restart>(_ => Begin());
        Receive<Started>(s =>
        {
            if (s.Error is not null)
            {
                _log.Warning("order index unavailable ({0}); retrying in 2 s", s.Error.Message);
                Timers.StartSingleTimer("restart", new Restart(), TimeSpan.FromSeconds(2));
                return;
            }
            _offset = s.Offset;
            _lag.Stored(Name, _offset);
            _stream?.Shutdown();
            _stream = OrderEventStream.Start(Context.System, Self, _settings, _offset, ++_generation);
        });
        Receive<OrderEventStream.Batch>(batch =>
        {
            var fresh = batch.Events.Where(e => ((Akka.Persistence.Query.Sequence)e.Offset).Value > _offset).ToList();
            var replyTo = Sender;
            if (fresh.Count == 0)
            {
                replyTo.Tell(OrderEventStream.BatchDone.Instance);
                return;
            }
            var offset = batch.LastOffset;
            _store.ApplyAsync(Name, fresh.Select(e => e.Event).OfType<IOrderEvent>().ToList(), offset)
                .ContinueWith(t => new Applied(offset, replyTo, t.Exception?.GetBaseException())).PipeTo(Self);
        });
        Receive<Applied>(a =>
        {
            if (a.Error is not null)
            {
                a.ReplyTo.Tell(new Status.Failure(a.Error));
                return;
            }
            _offset = Math.Max(_offset, a.Offset);
            _lag.Stored(Name, _offset);
            a.ReplyTo.Tell(OrderEventStream.BatchDone.Instance);
        });
        Receive<OrderEventStream.Ended>(e =>
        {
            if (e.Generation != _generation) return;
            _log.Warning("order index stream stopped ({0}); resuming in 1 s", e.Error?.Message ?? "completed");
            Timers.StartSingleTimer("restart", new Restart(), TimeSpan.FromSeconds(1));
        });
    }

    public static Props Props(OrderIndexStore store, OrderEventStream.Settings settings) =>
        Akka.Actor.Props.Create(() => new OrderIndexProjection(store, settings));

    protected override void PreStart() => Begin();

    protected override void PostStop()
    {
        _stream?.Shutdown();
        _lag.Stopped(Name);
    }

    private void Begin() =>
        _store.EnsureSchemaAsync().ContinueWith(t => t.IsCompletedSuccessfully ? _store.ReadOffsetAsync(Name) : Task.FromException<long>(t.Exception!.GetBaseException()))
            .Unwrap()
            .ContinueWith(t => new Started(t.IsCompletedSuccessfully ? t.Result : 0, t.Exception?.GetBaseException()))
            .PipeTo(Self);
}
