using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using Orders.Actors.Providers;
using Orders.Actors.Streams;
using static Orders.Actors.Analytics.AnalyticsEvents;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Analytics;

/// <summary>
/// A consumer of the order event stream (events by tag) with its own stored position: it resumes where it
/// stopped and can replay from any offset, like a Kafka consumer group. Terminal orders go to the analytics provider.
/// </summary>
public sealed record AnalyticsSettings
{
    /// <summary>Events counted and stored as one step; bigger batches mean fewer writes and provider calls.</summary>
    public int BatchSize { get; init; } = 1000;
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(50);
    public int SnapshotEveryBatches { get; init; } = 100;
}

public sealed class AnalyticsProjection : ReceivePersistentActor, IWithTimers
{
    private sealed record Recorded(AnalyticsState Delta, IActorRef ReplyTo, Exception? Error);
    private sealed record StartStream;

    /// <summary>This consumer's name where its progress is reported (<see cref="EventStreamLag"/>).</summary>
    public const string ConsumerName = "analytics";

    private readonly string _readJournalId;
    private readonly IAnalyticsProvider _provider;
    private readonly AnalyticsSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EventStreamLag _lag = EventStreamLag.For(Context.System);
    private AnalyticsState _state = AnalyticsState.Start(0);
    private UniqueKillSwitch? _stream;
    private long _generation;
    private int _batchesSinceSnapshot;

    public ITimerScheduler Timers { get; set; } = null!;
    public override string PersistenceId => "analytics-order-events";

    public AnalyticsProjection(string readJournalId, IAnalyticsProvider provider, AnalyticsSettings settings)
    {
        _readJournalId = readJournalId;
        _provider = provider;
        _settings = settings;

        Recover<SnapshotOffer>(o => _state = (AnalyticsState)o.Snapshot);
        Recover<AnalyticsBatchApplied>(e => _state = _state.Merge(e.Delta));
        Recover<AnalyticsReset>(e => _state = AnalyticsState.Start(e.Offset));
        Recover<RecoveryCompleted>(_ => Self.Tell(new StartStream()));

        Command<StartStream>(_ => Start());
        Command<TaggedEventStream.Batch>(Process);
        Command<Recorded>(Store);
        Command<TaggedEventStream.Ended>(OnStreamEnded);
        Command<GetAnalytics>(_ => Sender.Tell(_state));
        Command<ReplayAnalyticsFrom>(r =>
        {
            if (r.Offset < 0)
            {
                Sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(nameof(r.Offset), r.Offset, "offset must not be negative")));
                return;
            }
            Persist(new AnalyticsReset(r.Offset), e =>
            {
                _state = AnalyticsState.Start(e.Offset);
                Start();
                Sender.Tell(_state);
            });
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public static Props Props(string readJournalId, IAnalyticsProvider provider, AnalyticsSettings settings) =>
        Akka.Actor.Props.Create(() => new AnalyticsProjection(readJournalId, provider, settings));

    private void Start()
    {
        _stream?.Shutdown();
        _lag.Stored(ConsumerName, _state.Offset);
        _stream = TaggedEventStream.Start(Context.System, Self,
            new TaggedEventStream.Settings(_readJournalId, _settings.BatchSize, _settings.BatchWindow), _state.Offset, ++_generation);
    }

    private void Process(TaggedEventStream.Batch batch)
    {
        var delta = AnalyticsState.Start(0);
        var records = new List<AnalyticsRecord>();
        foreach (var envelope in batch.Events)
        {
            var offset = ((Sequence)envelope.Offset).Value;
            if (offset <= _state.Offset) continue; // already counted: a replayed envelope after a restart
            delta = delta with { Offset = offset };
            if (envelope.Event is not IOrderEvent e) continue;
            delta = delta.Count(e);
            if (e is OrderCompleted c) records.Add(new AnalyticsRecord(c.OrderId, "completed", c.AmountMinor, c.Currency, c.At));
            if (e is OrderCancelled x) records.Add(new AnalyticsRecord(x.OrderId, "cancelled", -x.RefundedMinor, x.Currency, x.At));
        }
        var replyTo = Sender;
        if (records.Count == 0)
        {
            Store(new Recorded(delta, replyTo, null));
            return;
        }
        _provider.RecordAsync(records, CancellationToken.None)
            .ContinueWith(t => new Recorded(delta, replyTo, t.Exception?.GetBaseException()))
            .PipeTo(Self);
    }

    private void Store(Recorded recorded)
    {
        if (recorded.Error is not null)
        {
            recorded.ReplyTo.Tell(new Status.Failure(recorded.Error));
            return;
        }
        if (recorded.Delta.Offset <= _state.Offset)
        {
            recorded.ReplyTo.Tell(TaggedEventStream.BatchDone.Instance);
            return;
        }
        Persist(new AnalyticsBatchApplied(recorded.Delta), e =>
        {
            _state = _state.Merge(e.Delta);
            _lag.Stored(ConsumerName, _state.Offset);
            recorded.ReplyTo.Tell(TaggedEventStream.BatchDone.Instance);
            if (++_batchesSinceSnapshot >= _settings.SnapshotEveryBatches)
            {
                _batchesSinceSnapshot = 0;
                SaveSnapshot(_state);
            }
        });
    }

    private void OnStreamEnded(TaggedEventStream.Ended ended)
    {
        if (ended.Generation != _generation) return; // a stream we replaced on purpose
        _log.Warning("analytics stream stopped ({0}); resuming from offset {1} in 1 s", ended.Error?.Message ?? "completed", _state.Offset);
        Timers.StartSingleTimer("restart", new StartStream(), TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        _stream?.Shutdown();
        _lag.Stopped(ConsumerName);
        base.PostStop();
    }
}
