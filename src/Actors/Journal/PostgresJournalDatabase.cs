using System.Data.Common;
using Akka.Persistence.Sql.Config;
using Npgsql;

namespace Orders.Actors.Journal;

/// <summary>
/// PostgreSQL: a batch is one transaction holding one insert per row, sent in a single round trip; the rows keep
/// their order, so each order's events get rising ordering values and reach event-stream consumers in order.
/// </summary>
public sealed class PostgresJournalDatabase(JournalConfig config) : JournalDatabase(config)
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(config.ConnectionString);

    public override async Task<JournalWriterConnection> OpenWriterAsync(CancellationToken ct) =>
        new Writer(await _dataSource.OpenConnectionAsync(ct), InsertSql(), InsertParameters(WritesWriterUuid));

    protected override async Task<DbConnection> OpenReaderAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync();

    private sealed class Writer(NpgsqlConnection connection, string insertSql, string[] parameters) : JournalWriterConnection
    {
        public override async Task WriteAsync(IReadOnlyList<StoredEvent> rows, CancellationToken ct)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var row in rows)
            {
                var command = new NpgsqlBatchCommand(insertSql);
                var values = parameters.Select(name => (DbParameter)new NpgsqlParameter { ParameterName = name }).ToArray();
                Bind(values, row);
                command.Parameters.AddRange(values);
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
