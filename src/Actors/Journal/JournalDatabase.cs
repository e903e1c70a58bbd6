using System.Data.Common;
using Akka.Persistence.Sql.Config;

namespace Orders.Actors.Journal;

/// <summary>One journal row as Akka.Persistence.Sql stores it (Csv tags, writer uuid column).</summary>
public sealed record StoredEvent(
    string PersistenceId, long SequenceNr, long Created, string Manifest, byte[] Message, int SerializerId,
    string? WriterUuid, string Tags);

/// <summary>
/// The three statements on the hot path of every persistent actor - insert a batch, read the highest sequence
/// number, replay - against Akka.Persistence.Sql's own journal table and column names, in plain ADO.NET: each
/// statement's text is built once, nothing is translated per call.
/// </summary>
public abstract class JournalDatabase(JournalConfig config) : IAsyncDisposable
{
    private readonly EventJournalTableConfig _table = config.TableConfig.EventJournalTable;
    private string? _highestSql;
    private string? _replaySql;
    private string? _taggedAfterSql;

    protected string Table => config.TableConfig.SchemaName is { Length: > 0 } schema
        ? $"{Quote(schema)}.{Quote(_table.Name)}"
        : Quote(_table.Name);

    protected JournalTableColumnNames Columns => _table.ColumnNames;

    protected bool WritesWriterUuid => _table.UseWriterUuidColumn;

    /// <summary>A connection that writes batches; each writer loop owns one for its lifetime.</summary>
    public abstract Task<JournalWriterConnection> OpenWriterAsync(CancellationToken ct);

    public async Task<long> HighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = _highestSql ??= $"SELECT MAX({Quote(Columns.SequenceNumber)}) FROM {Table} WHERE {Quote(Columns.PersistenceId)} = @pid AND {Quote(Columns.SequenceNumber)} > @from";
        Add(command, "pid", persistenceId);
        Add(command, "from", fromSequenceNr);
        var result = await command.ExecuteScalarAsync(ct);
        return result is null or DBNull ? 0 : Convert.ToInt64(result);
    }

    public async Task ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<StoredEvent> onEvent, CancellationToken ct)
    {
        if (max <= 0) return;
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        var c = Columns;
        command.CommandText = _replaySql ??=
            $"SELECT {Quote(c.SequenceNumber)}, {Quote(c.Created)}, {Quote(c.Manifest)}, {Quote(c.Message)}, {Quote(c.Identifier)}, " +
            $"{(WritesWriterUuid ? Quote(c.WriterUuid) : "NULL")}, {Quote(c.Tags)} FROM {Table} " +
            $"WHERE {Quote(c.PersistenceId)} = @pid AND {Quote(c.SequenceNumber)} >= @from AND {Quote(c.SequenceNumber)} <= @to AND {Quote(c.Deleted)} = @deleted " +
            $"ORDER BY {Quote(c.SequenceNumber)} LIMIT @max";
        Add(command, "pid", persistenceId);
        Add(command, "from", fromSequenceNr);
        Add(command, "to", toSequenceNr);
        Add(command, "deleted", false);
        Add(command, "max", max);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onEvent(new StoredEvent(
                persistenceId,
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? "" : reader.GetString(2),
                (byte[])reader.GetValue(3),
                reader.IsDBNull(4) ? 0 : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? "" : reader.GetString(6)));
        }
    }

    /// <summary>
    /// How many rows carrying <paramref name="tag"/> follow <paramref name="afterOrdering"/>: how far an event-stream
    /// consumer is behind. Exact within the next <paramref name="exactWithin"/> rows, each further row counted as one
    /// (an upper bound), so that measuring a consumer far behind reads a bounded range of the key, never the whole journal.
    /// </summary>
    public async Task<long> CountTaggedAfterAsync(string tag, long afterOrdering, long exactWithin, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.CreateCommand();
        var (ordering, tags) = (Quote(Columns.Ordering), Quote(Columns.Tags));
        command.CommandText = _taggedAfterSql ??=
            $"SELECT (SELECT COUNT(*) FROM (SELECT {tags} FROM {Table} WHERE {ordering} > @after ORDER BY {ordering} LIMIT @within) next_rows " +
            $"WHERE next_rows.{tags} LIKE @tag), (SELECT MAX({ordering}) FROM {Table})";
        Add(command, "after", afterOrdering);
        Add(command, "within", exactWithin);
        Add(command, "tag", $"%{config.PluginConfig.TagSeparator}{tag}{config.PluginConfig.TagSeparator}%");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var tagged = Convert.ToInt64(reader.GetValue(0));
        var head = reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1));
        return tagged + Math.Max(0, head - afterOrdering - exactWithin);
    }

    /// <summary>Writes one row of a table of its own: the database answers and accepts writes (a read-only SQLite file does not).</summary>
    public async Task ProbeWriteAsync(CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "CREATE TABLE IF NOT EXISTS orders_write_probe (id INTEGER PRIMARY KEY, probed_at BIGINT NOT NULL); " +
            "DELETE FROM orders_write_probe; INSERT INTO orders_write_probe (id, probed_at) VALUES (1, @at)";
        Add(command, "at", DateTime.UtcNow.Ticks);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>"INSERT INTO journal (columns)" in the order of <see cref="InsertParameters"/>; each database adds its values clause.</summary>
    protected string InsertInto()
    {
        var c = Columns;
        var columns = new List<string> { c.PersistenceId, c.SequenceNumber, c.Deleted, c.Created, c.Manifest, c.Message, c.Identifier, c.Tags };
        if (WritesWriterUuid) columns.Add(c.WriterUuid);
        return $"INSERT INTO {Table} ({string.Join(", ", columns.Select(Quote))})";
    }

    /// <summary>The insert's parameter names, one per column of <see cref="InsertInto"/>.</summary>
    protected static string[] InsertParameters(bool writesWriterUuid) =>
        new[] { "pid", "seq", "deleted", "created", "manifest", "message", "identifier", "tags", "writer" }[..(writesWriterUuid ? 9 : 8)];

    protected abstract Task<DbConnection> OpenReaderAsync(CancellationToken ct);

    protected static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    protected static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A writer's connection: writes one batch of rows in one transaction.</summary>
public abstract class JournalWriterConnection : IAsyncDisposable
{
    public abstract Task WriteAsync(IReadOnlyList<StoredEvent> rows, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}
