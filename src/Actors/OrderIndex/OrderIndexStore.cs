using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

public sealed record OrderSummary(string OrderId, OrderStatus Status, ResponseMode Mode, long TotalMinor, string Currency, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Orders, string? NextAfter);

/// <summary>
/// A table of orders by status, kept by <see cref="OrderIndexProjection"/> from the event stream: the read side
/// that lists orders without waking one actor per order. Eventually consistent, like every read model.
/// </summary>
/// <param name="postgres">The database is PostgreSQL (else SQLite).</param>
/// <param name="connectionString">Where the index's tables live.</param>
/// <param name="journalConnectionString">The journal's database, read for the projection's lag.</param>
public sealed partial class OrderIndexStore(bool postgres, string connectionString, string journalConnectionString)
{
    private readonly bool _postgres = postgres;
    private readonly DbProviderFactory _factory = postgres ? NpgsqlFactory.Instance : SqliteFactory.Instance;
    private readonly string _connectionString = connectionString;
    private readonly string _journalConnectionString = journalConnectionString;

    private async Task<DbConnection> OpenAsync(CancellationToken ct, string? connectionString = null)
    {
        var connection = _factory.CreateConnection()!;
        connection.ConnectionString = connectionString ?? _connectionString;
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Does the journal's database answer? Used by readiness checks.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct, _journalConnectionString).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT 1");
        await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS order_index (
                order_id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                mode TEXT NOT NULL,
                total_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                reservations_left INTEGER NOT NULL,
                placed_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_order_index_status ON order_index (status, order_id);
            CREATE TABLE IF NOT EXISTS projection_offset (name TEXT PRIMARY KEY, offset_value BIGINT NOT NULL);
            """ + StepIssueSchema;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await MoveLegacyStepIssuesAsync(connection, ct).ConfigureAwait(false);
    }

    /// <summary>What a projection does first: the schema, then where it left off.</summary>
    public Func<Task<long>> StartAsync(string projection) => async () =>
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await ReadOffsetAsync(projection).ConfigureAwait(false);
    };

    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT offset_value FROM projection_offset WHERE name = @name", ("name", projection));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    /// <summary>Applies a batch of order events and moves the offset in one transaction: the index is never ahead of or behind its offset.</summary>
    public Task ApplyAsync(string projection, IReadOnlyList<IOrderEvent> events, long offset, CancellationToken ct = default) =>
        InTransactionAsync(projection, offset, (connection, transaction) => events.SelectMany(e =>
        {
            var facts = StepIssueStatements(connection, transaction, OrderWorkflow.Type, e.OrderId, OrderHistory.Instance.FactsOf(e, e.At));
            return Statement(connection, transaction, e) is { } row ? facts.Prepend(row) : facts;
        }), ct);

    /// <summary>
    /// Applies the step facts of a batch of another workflow's events (instance id and facts, in journal order) and
    /// moves that projection's offset, in one transaction.
    /// </summary>
    public Task ApplyStepFactsAsync(string projection, string workflow, IReadOnlyList<(string InstanceId, IReadOnlyList<WorkflowFact> Facts)> events, long offset,
        CancellationToken ct = default) =>
        InTransactionAsync(projection, offset,
            (connection, transaction) => events.SelectMany(e => StepIssueStatements(connection, transaction, workflow, e.InstanceId, e.Facts)), ct);

    private async Task InTransactionAsync(string projection, long offset, Func<DbConnection, DbTransaction, IEnumerable<DbCommand>> statements, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var statement in statements(connection, transaction))
        {
            await using var command = statement;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var save = Command(connection, transaction,
            "INSERT INTO projection_offset (name, offset_value) VALUES (@name, @offset) ON CONFLICT (name) DO UPDATE SET offset_value = excluded.offset_value",
            ("name", projection), ("offset", offset)))
            await save.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Orders by id, optionally of one status and only those with a step in <paramref name="withIssue"/> ("retrying" or
    /// "parked"), after <paramref name="afterOrderId"/> (keyset paging: stable under inserts).
    /// </summary>
    public async Task<OrderPage> ListAsync(OrderStatus? status, string? afterOrderId, int pageSize, CancellationToken ct = default, string? withIssue = null)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var where = status is null ? "order_id > @after" : "status = @status AND order_id > @after";
        if (withIssue is not null) where += " AND EXISTS (SELECT 1 FROM workflow_step_issue s WHERE s.workflow = @workflow AND s.instance_id = order_index.order_id AND s.status = @issue)";
        await using var command = Command(connection, null,
            $"SELECT order_id, status, mode, total_minor, currency, placed_at, updated_at FROM order_index WHERE {where} ORDER BY order_id LIMIT @limit",
            ("after", afterOrderId ?? ""), ("status", status?.ToString() ?? ""), ("limit", pageSize + 1), ("issue", withIssue ?? ""), ("workflow", OrderWorkflow.Type));
        var rows = new List<OrderSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            rows.Add(new OrderSummary(reader.GetString(0), Enum.Parse<OrderStatus>(reader.GetString(1)), Enum.Parse<ResponseMode>(reader.GetString(2)),
                reader.GetInt64(3), reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        return rows.Count > pageSize ? new OrderPage(rows.Take(pageSize).ToList(), rows[pageSize - 1].OrderId) : new OrderPage(rows, null);
    }

    private static DbCommand? Statement(DbConnection connection, DbTransaction transaction, IOrderEvent e)
    {
        var at = e.At.ToUnixTimeMilliseconds();
        return e switch
        {
            OrderPlaced p => Command(connection, transaction, """
                INSERT INTO order_index (order_id, status, mode, total_minor, currency, reservations_left, placed_at, updated_at)
                VALUES (@id, @status, @mode, @total, @currency, @left, @at, @at) ON CONFLICT (order_id) DO NOTHING
                """,
                ("id", p.OrderId), ("status", nameof(OrderStatus.PaymentPending)), ("mode", p.Mode.ToString()), ("total", p.Details.TotalMinor),
                ("currency", p.Details.Currency), ("left", p.Details.QuantitiesBySku().Count), ("at", at)),
            PaymentAuthorized => SetStatus(connection, transaction, e.OrderId, OrderStatus.Confirmed, at),
            PaymentDeclined => SetStatus(connection, transaction, e.OrderId, OrderStatus.PaymentDeclined, at),
            PaymentRejected => SetStatus(connection, transaction, e.OrderId, OrderStatus.Rejected, at),
            CompensationStarted => SetStatus(connection, transaction, e.OrderId, OrderStatus.Compensating, at),
            OrderCompleted => SetStatus(connection, transaction, e.OrderId, OrderStatus.Completed, at),
            OrderCancelled => SetStatus(connection, transaction, e.OrderId, OrderStatus.Cancelled, at),
            // The order is fulfilling once its last SKU is reserved, as in OrderState.
            StepSucceeded { Step.Kind: StepKind.ReserveStock } => Command(connection, transaction, """
                UPDATE order_index SET reservations_left = reservations_left - 1,
                    status = CASE WHEN reservations_left = 1 AND status = 'Confirmed' THEN 'Fulfilling' ELSE status END,
                    updated_at = @at
                WHERE order_id = @id
                """, ("id", e.OrderId), ("at", at)),
            _ => null,
        };
    }

    private static DbCommand SetStatus(DbConnection connection, DbTransaction transaction, string orderId, OrderStatus status, long at) =>
        Command(connection, transaction, "UPDATE order_index SET status = @status, updated_at = @at WHERE order_id = @id",
            ("id", orderId), ("status", status.ToString()), ("at", at));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
