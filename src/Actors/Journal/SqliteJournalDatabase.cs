using System.Data.Common;
using Akka.Persistence.Sql.Config;
using Microsoft.Data.Sqlite;

namespace Orders.Actors.Journal;

/// <summary>
/// SQLite: one prepared insert per writer connection, re-bound for every row of a batch; the batch is one
/// IMMEDIATE transaction. Lock waits happen inside SQLite (busy_timeout), never in the driver's 150 ms sleep.
/// </summary>
public sealed class SqliteJournalDatabase(JournalConfig config) : JournalDatabase(config)
{
    private readonly string _connectionString = config.ConnectionString;

    public override Task<JournalWriterConnection> OpenWriterAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        SqliteDatabase.WaitForLocks(connection);
        var insert = $"{InsertInto()} VALUES ({string.Join(", ", InsertParameters(WritesWriterUuid).Select(n => "@" + n))})";
        return Task.FromResult<JournalWriterConnection>(new Writer(connection, insert, WritesWriterUuid));
    }

    protected override Task<DbConnection> OpenReaderAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return Task.FromResult<DbConnection>(connection);
    }

    private sealed class Writer : JournalWriterConnection
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private readonly DbParameter[] _values;

        public Writer(SqliteConnection connection, string insertSql, bool writesWriterUuid)
        {
            _connection = connection;
            _insert = connection.CreateCommand();
            _insert.CommandText = insertSql;
            _insert.Prepare();
            _values = InsertParameters(writesWriterUuid).Select(name => Add(_insert, name, null)).ToArray();
        }

        // Microsoft.Data.Sqlite does its I/O synchronously anyway; the batch runs on the writer loop's thread.
        public override Task WriteAsync(IReadOnlyList<StoredEvent> rows, CancellationToken ct)
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            foreach (var row in rows)
            {
                Bind(_values, row);
                _insert.ExecuteNonQuery();
            }
            transaction.Commit();
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            _insert.Dispose();
            _connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static void Bind(DbParameter[] values, StoredEvent row)
    {
        values[0].Value = row.PersistenceId;
        values[1].Value = row.SequenceNr;
        values[2].Value = false;
        values[3].Value = row.Created;
        values[4].Value = row.Manifest;
        values[5].Value = row.Message;
        values[6].Value = row.SerializerId;
        values[7].Value = row.Tags;
        if (values.Length > 8) values[8].Value = (object?)row.WriterUuid ?? DBNull.Value;
    }
}
