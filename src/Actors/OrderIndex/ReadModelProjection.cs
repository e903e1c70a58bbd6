using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Orders.Actors.Orders;
using Orders.Actors.Streams;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

/// <summary>The order index (with the orders' step issues), kept from the order event stream.</summary>
public static class OrderIndexProjection
{
    public const string Name = "order-index";

    public static Props Props(OrderIndexStore store, TaggedEventStream.Settings settings) =>
        ReadModelProjection.Props(Name, settings with { Tag = TaggedEventStream.OrderTag }, store.StartAsync(Name),
            (events, offset) => store.ApplyAsync(Name, events.Select(e => e.Event).OfType<IOrderEvent>().ToList(), offset));
}

/// <summary>
/// The step issues of a workflow other than the order (whose are kept with the order index), kept from its event
/// stream (tagged with its type) by its <see cref="IWorkflowHistory{TEvent}"/>.
/// </summary>
public static class StepIssueProjection
{
    public static string NameOf(string workflow) => $"step-issues-{workflow}";

    public static Props Props<TEvent>(OrderIndexStore store, IWorkflowHistory<TEvent> history, TaggedEventStream.Settings settings)
    {
        var name = NameOf(history.Type);
        return ReadModelProjection.Props(name, settings with { Tag = history.Type }, store.StartAsync(name),
            (events, offset) => store.ApplyStepFactsAsync(name, history.Type, events.Where(e => e.Event is TEvent)
                // The journal's timestamp is UTC ticks.
                .Select(e => (history.InstanceOf(e.PersistenceId), history.FactsOf((TEvent)e.Event, new DateTimeOffset(e.Timestamp, TimeSpan.Zero))))
                .ToList(), offset));
    }
}

/// <summary>
/// Keeps a read model up to date from a workflow's event stream: <c>apply</c> stores each batch with the offset it
/// reaches (projection_offset) in one transaction, so the model is never ahead of or behind its offset.
/// </summary>
public sealed class ReadModelProjection : ReceiveActor, IWithTimers
{

    private sealed record Started(long Offset, Exception? Error);
    private sealed record Applied(long Offset, IActorRef ReplyTo, Exception? Error);
    private sealed record Restart;

    private readonly string _name;
    private readonly TaggedEventStream.Settings _settings;
    private readonly Func<Task<long>> _start;
    private readonly Func<IReadOnlyList<EventEnvelope>, long, Task> _apply;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EventStreamLag _lag = EventStreamLag.For(Context.System);
    private Akka.Streams.UniqueKillSwitch? _stream;
    private long _generation;
    private long _offset;

    public ITimerScheduler Timers { get; set; } = null!;

    public ReadModelProjection(string name, TaggedEventStream.Settings settings, Func<Task<long>> start, Func<IReadOnlyList<EventEnvelope>, long, Task> apply)
    {
        _name = name;
        _settings = settings;
        _start = start;
        _apply = apply;

        Receive<Restart>(_ => Begin());
        Receive<Started>(s =>
        {
            if (s.Error is not null)
            {
                _log.Warning("{0} unavailable ({1}); retrying in 2 s", _name, s.Error.Message);
                Timers.StartSingleTimer("restart", new Restart(), TimeSpan.FromSeconds(2));
                return;
            }
            _offset = s.Offset;
            _lag.Stored(_name, _offset, _settings.Tag);
            _stream?.Shutdown();
            _stream = TaggedEventStream.Start(Context.System, Self, _settings, _offset, ++_generation);
        });
        Receive<TaggedEventStream.Batch>(batch =>
        {
            var fresh = batch.Events.Where(e => ((Akka.Persistence.Query.Sequence)e.Offset).Value > _offset).ToList();
            var replyTo = Sender;
            if (fresh.Count == 0)
            {
                replyTo.Tell(TaggedEventStream.BatchDone.Instance);
                return;
            }
            var offset = batch.LastOffset;
            _apply(fresh, offset)
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
            _lag.Stored(_name, _offset, _settings.Tag);
            a.ReplyTo.Tell(TaggedEventStream.BatchDone.Instance);
        });
        Receive<TaggedEventStream.Ended>(e =>
        {
            if (e.Generation != _generation) return;
            _log.Warning("{0} stream stopped ({1}); resuming in 1 s", _name, e.Error?.Message ?? "completed");
            Timers.StartSingleTimer("restart", new Restart(), TimeSpan.FromSeconds(1));
        });
    }

    public static Props Props(string name, TaggedEventStream.Settings settings, Func<Task<long>> start, Func<IReadOnlyList<EventEnvelope>, long, Task> apply) =>
        Akka.Actor.Props.Create(() => new ReadModelProjection(name, settings, start, apply));

    protected override void PreStart() => Begin();

    protected override void PostStop()
    {
        _stream?.Shutdown();
        _lag.Stopped(_name);
    }

    private void Begin() =>
        _start()
            .ContinueWith(t => new Started(t.IsCompletedSuccessfully ? t.Result : 0, t.Exception?.GetBaseException()))
            .PipeTo(Self);
}
