using System.Data.Common;
using Akka.Persistence.Sql.Config;
using Npgsql;
using NpgsqlTypes;

namespace Orders.Actors.Journal;

/// <summary>
/// PostgreSQL: a batch is one prepared INSERT ... SELECT FROM unnest(arrays) - one statement, so atomic on its own,
/// one round trip and one plan however many rows. WITH ORDINALITY ... ORDER BY keeps the rows' order, so each
/// order's events get rising ordering values and reach event-stream consumers in order. Reads are auto-prepared.
/// </summary>
public sealed class PostgresJournalDatabase : JournalDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresJournalDatabase(JournalConfig config) : base(config)
    {
        var connection = new NpgsqlConnectionStringBuilder(config.ConnectionString)
        {
            // The journal's few statements, prepared once per physical connection instead of parsed per call.
            MaxAutoPrepare = Math.Max(new NpgsqlConnectionStringBuilder(config.ConnectionString).MaxAutoPrepare, 8),
            AutoPrepareMinUsages = 2,
            // Journal connections never change session state; skipping DISCARD ALL keeps their prepared statements.
            NoResetOnClose = true,
        };
        _dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
    }

    public override async Task<JournalWriterConnection> OpenWriterAsync(CancellationToken ct)
    {
        var connection = await _dataSource.OpenConnectionAsync(ct);
        try
        {
            return await Writer.PrepareAsync(connection, UnnestInsertSql(), WritesWriterUuid, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task<DbConnection> OpenReaderAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync();

    private string UnnestInsertSql()
    {
        var names = InsertParameters(WritesWriterUuid);
        return $"{InsertInto()} " +
               $"SELECT {string.Join(", ", names)} FROM unnest({string.Join(", ", names.Select(n => "@" + n))}) " +
               $"WITH ORDINALITY AS u({string.Join(", ", names)}, position) ORDER BY position";
    }

    private sealed class Writer : JournalWriterConnection
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _insert;
        private readonly NpgsqlParameter<string[]> _pid = new("pid", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<long[]> _seq = new("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<bool[]> _deleted = new("deleted", NpgsqlDbType.Array | NpgsqlDbType.Boolean);
        private readonly NpgsqlParameter<long[]> _created = new("created", NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<string[]> _manifest = new("manifest", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<byte[][]> _message = new("message", NpgsqlDbType.Array | NpgsqlDbType.Bytea);
        private readonly NpgsqlParameter<int[]> _identifier = new("identifier", NpgsqlDbType.Array | NpgsqlDbType.Integer);
        private readonly NpgsqlParameter<string[]> _tags = new("tags", NpgsqlDbType.Array | NpgsqlDbType.Text);
        private readonly NpgsqlParameter<string?[]> _writer = new("writer", NpgsqlDbType.Array | NpgsqlDbType.Text);

        private Writer(NpgsqlConnection connection, string insertSql, bool writesWriterUuid)
        {
            _connection = connection;
            _insert = new NpgsqlCommand(insertSql, connection);
            _insert.Parameters.AddRange(new NpgsqlParameter[] { _pid, _seq, _deleted, _created, _manifest, _message, _identifier, _tags });
            if (writesWriterUuid) _insert.Parameters.Add(_writer);
        }

        public static async Task<JournalWriterConnection> PrepareAsync(NpgsqlConnection connection, string insertSql, bool writesWriterUuid, CancellationToken ct)
        {
            var writer = new Writer(connection, insertSql, writesWriterUuid);
            await writer._insert.PrepareAsync(ct);
            return writer;
        }

        public override async Task WriteAsync(IReadOnlyList<StoredEvent> rows, CancellationToken ct)
        {
            _pid.TypedValue = rows.Select(r => r.PersistenceId).ToArray();
            _seq.TypedValue = rows.Select(r => r.SequenceNr).ToArray();
            _deleted.TypedValue = new bool[rows.Count];
            _created.TypedValue = rows.Select(r => r.Created).ToArray();
            _manifest.TypedValue = rows.Select(r => r.Manifest).ToArray();
            _message.TypedValue = rows.Select(r => r.Message).ToArray();
            _identifier.TypedValue = rows.Select(r => r.SerializerId).ToArray();
            _tags.TypedValue = rows.Select(r => r.Tags).ToArray();
            _writer.TypedValue = rows.Select(r => r.WriterUuid).ToArray();
            await _insert.ExecuteNonQueryAsync(ct);
        }

        public override async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
