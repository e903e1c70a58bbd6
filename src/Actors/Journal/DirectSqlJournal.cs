using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql.Journal;
using Akka.Serialization;
using Akka.Util;

using Orders.Actors.Streams;
using Orders.Actors.Telemetry;

namespace Orders.Actors.Journal;

/// <summary>
/// Akka.Persistence.Sql's journal with its three hot paths - writing events, reading the highest sequence number,
/// replaying - done in plain ADO.NET on the same table, rows and serialization; table creation, deletes, snapshots
/// and the read journal (event streams) stay Akka.Persistence.Sql's own.
/// Why: profiled at peak load, linq2db's per-call query building and mapping allocated ~500 KB per order and took
/// about a third of all CPU; every order makes two reads and seven writes.
/// </summary>
public sealed class DirectSqlJournal : SqlWriteJournal
{
    private sealed record WriteFinished(string PersistenceId, Task Write);

    private readonly JournalConfig _config;
    private readonly JournalDatabase _database;
    private readonly JournalWriteBatcher _batcher;
    private readonly Dictionary<string, Task> _writesInProgress = new();
    private readonly string? _writerUuid;
    private readonly string _tagSeparator;
    private readonly CancellationTokenSource _stopping = new();
    private readonly JournalHealth _health;

    public DirectSqlJournal(Config journalConfig) : base(journalConfig)
    {
        _config = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        if (_config.PluginConfig.TagMode != TagMode.Csv)
            throw new ConfigurationException($"{nameof(DirectSqlJournal)} writes tags into the journal row only: set tag-write-mode = Csv (is {_config.PluginConfig.TagMode})");
        _database = _config.ProviderName switch
        {
            var p when p.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) => new SqliteJournalDatabase(_config),
            var p when p.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) => new PostgresJournalDatabase(_config),
            var p => throw new ConfigurationException($"{nameof(DirectSqlJournal)} supports SQLite and PostgreSQL, not provider '{p}'"),
        };
        _batcher = new JournalWriteBatcher(_database.OpenWriterAsync, _config.DaoConfig.Parallelism, _config.DaoConfig.BatchSize,
            OrderMetrics.For(Context.System).JournalBatchWritten, _database is PostgresJournalDatabase ? "postgresql" : "sqlite");
        _writerUuid = _config.TableConfig.EventJournalTable.UseWriterUuidColumn ? Guid.NewGuid().ToString("N") : null;
        _tagSeparator = _config.PluginConfig.TagSeparator;
        _health = JournalHealth.For(Context.System);
        _health.UseProbe(_database.ProbeWriteAsync);
        EventStreamLag.For(Context.System).UseJournal(_database.CountTaggedAfterAsync);
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow.Ticks;
        var rows = new List<StoredEvent>();
        var outcomes = ImmutableList.CreateBuilder<Exception>();
        string? persistenceId = null;
        foreach (var write in messages)
        {
            persistenceId ??= write.PersistenceId;
            try
            {
                var payloads = (IImmutableList<IPersistentRepresentation>)write.Payload;
                var serialized = new StoredEvent[payloads.Count];
                for (var i = 0; i < payloads.Count; i++) serialized[i] = ToRow(payloads[i], now);
                rows.AddRange(serialized);
                outcomes.Add(null!);
            }
            catch (Exception e)
            {
                // A write that cannot be serialized is rejected on its own; the actor's other writes go ahead.
                outcomes.Add(e);
            }
        }
        var result = outcomes.ToImmutable();
        if (rows.Count == 0 || persistenceId is null) return Task.FromResult<IImmutableList<Exception>>(result);

        var written = _batcher.WriteAsync(rows, JournalTracing.TakeWriter(persistenceId));
        _writesInProgress[persistenceId] = written;
        var self = Self;
        var health = _health;
        written.ContinueWith(t =>
        {
            if (t.IsFaulted) health.Failed(t.Exception);
            else health.Succeeded();
            self.Tell(new WriteFinished(persistenceId, t));
        }, TaskContinuationOptions.ExecuteSynchronously);
        return Completed(written, result);

        static async Task<IImmutableList<Exception>> Completed(Task written, IImmutableList<Exception> result)
        {
            await written;
            return result;
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        // A recovering actor may still have a write in flight; its outcome decides the highest number.
        if (_writesInProgress.TryGetValue(persistenceId, out var inFlight))
            await inFlight.ContinueWith(_ => { }, TaskContinuationOptions.ExecuteSynchronously);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            return await _database.HighestSequenceNrAsync(persistenceId, fromSequenceNr, either.Token);
        }
        catch (Exception e)
        {
            _health.Failed(e);
            throw;
        }
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        var serialization = context.System.Serialization;
        try
        {
            await _database.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, row => recoveryCallback(new Persistent(
                serialization.Deserialize(row.Message, row.SerializerId, row.Manifest),
                row.SequenceNr, row.PersistenceId, row.Manifest, isDeleted: false, ActorRefs.NoSender, row.WriterUuid, row.Created)),
                _stopping.Token);
        }
        catch (Exception e)
        {
            _health.Failed(e);
            throw;
        }
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not WriteFinished finished) return base.ReceivePluginInternal(message);
        if (_writesInProgress.TryGetValue(finished.PersistenceId, out var latest) && latest == finished.Write)
            _writesInProgress.Remove(finished.PersistenceId);
        return true;
    }

    protected override void PostStop()
    {
        base.PostStop();
        _stopping.Cancel();
        _ = ShutDownAsync();
    }

    private async Task ShutDownAsync()
    {
        await _batcher.DisposeAsync();
        await _database.DisposeAsync();
        _stopping.Dispose();
    }

    private StoredEvent ToRow(IPersistentRepresentation representation, long now)
    {
        var (payload, tags) = representation.Payload is Tagged tagged ? (tagged.Payload, tagged.Tags) : (representation.Payload, (IImmutableSet<string>)ImmutableHashSet<string>.Empty);
        var system = (ExtendedActorSystem)Context.System;
        var serializer = system.Serialization.FindSerializerForType(payload.GetType(), _config.DefaultSerializer);
        var message = Akka.Serialization.Serialization.WithTransport(system, (serializer, payload), state => state.serializer.ToBinary(state.payload));
        var manifest = serializer switch
        {
            SerializerWithStringManifest withManifest => withManifest.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => "",
        };
        return new StoredEvent(representation.PersistenceId, representation.SequenceNr,
            representation.Timestamp == 0 ? now : representation.Timestamp, manifest, message, serializer.Identifier, _writerUuid,
            tags.Count == 0 ? "" : _tagSeparator + string.Join(_tagSeparator, tags) + _tagSeparator);
    }
}
