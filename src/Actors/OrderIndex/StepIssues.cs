using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Orders.Actors.Orders;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.OrderIndex;

/// <summary>A step that is retrying or parked, as the read model has it.</summary>
public sealed record StepIssue(string OrderId, string Step, string Kind, string Status, int Attempts, string Error, string Group,
    DateTimeOffset Since, DateTimeOffset LastAt, DateTimeOffset? NextAttemptAt);

/// <summary>Issues of one step kind with one (normalised) error, the way failed messages are grouped for bulk retry.</summary>
public sealed record StepIssueGroup(string Group, string Kind, string Status, string Error, int Count, DateTimeOffset Oldest, DateTimeOffset Newest);

/// <summary>
/// The steps that are retrying or parked across all orders (table step_issue), kept from the same events and in the
/// same transaction as the order index: listing or replaying them never wakes an actor per order.
/// </summary>
public sealed partial class OrderIndexStore
{
    public const string Retrying = "retrying";
    public const string Parked = "parked";

    private const string StepIssueSchema = """

        CREATE TABLE IF NOT EXISTS step_issue (
            order_id TEXT NOT NULL,
            step TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT NOT NULL,
            group_key TEXT NOT NULL,
            since BIGINT NOT NULL,
            last_at BIGINT NOT NULL,
            next_at BIGINT,
            PRIMARY KEY (order_id, step));
        CREATE INDEX IF NOT EXISTS ix_step_issue_group ON step_issue (status, group_key);
        """;

    private const string UpsertIssue = """
        INSERT INTO step_issue (order_id, step, kind, status, attempts, error, group_key, since, last_at, next_at)
        VALUES (@id, @step, @kind, @status, @attempts, @error, @group, @at, @at, @next)
        ON CONFLICT (order_id, step) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, error = excluded.error,
            group_key = excluded.group_key, last_at = excluded.last_at, next_at = excluded.next_at
        """;

    private static readonly string ForwardKinds = string.Join(", ", new[] { StepKind.ReserveStock, StepKind.CreateShipment, StepKind.SendConfirmation, StepKind.RecordAnalytics }
        .Select(k => $"'{KindName(k)}'"));

    private static DbCommand? StepIssueStatement(DbConnection connection, DbTransaction transaction, IOrderEvent e) => e switch
    {
        StepAttemptFailed f => Issue(connection, transaction, f.OrderId, f.Step, Retrying, f.Attempt, f.Error, f.At, f.NextAttemptAt),
        StepParked p => Issue(connection, transaction, p.OrderId, p.Step, Parked, p.Attempts, p.LastError, p.At, null),
        // A first-time success had no earlier failure on record (0 = an event older than attempt counting).
        StepSucceeded { Attempts: not 1 } s => Resolved(connection, transaction, s.OrderId, s.Step),
        StepFailed { Attempts: not 1 } f => Resolved(connection, transaction, f.OrderId, f.Step),
        StepUnparked u => Resolved(connection, transaction, u.OrderId, u.Step),
        // Compensating: the forward steps are no longer due, so they no longer retry.
        CompensationStarted c => Command(connection, transaction,
            $"DELETE FROM step_issue WHERE order_id = @id AND status = '{Retrying}' AND kind IN ({ForwardKinds})", ("id", c.OrderId)),
        _ => null,
    };

    private static DbCommand Issue(DbConnection connection, DbTransaction transaction, string orderId, StepId step, string status, int attempts, string error,
        DateTimeOffset at, DateTimeOffset? next)
    {
        var kind = KindName(step.Kind);
        return Command(connection, transaction, UpsertIssue, ("id", orderId), ("step", step.ToString()), ("kind", kind), ("status", status),
            ("attempts", attempts), ("error", error), ("group", GroupKey(kind, error)), ("at", at.ToUnixTimeMilliseconds()),
            ("next", next is { } n ? n.ToUnixTimeMilliseconds() : DBNull.Value));
    }

    private static DbCommand Resolved(DbConnection connection, DbTransaction transaction, string orderId, StepId step) =>
        Command(connection, transaction, "DELETE FROM step_issue WHERE order_id = @id AND step = @step", ("id", orderId), ("step", step.ToString()));

    private static string KindName(StepKind kind) => new StepId(kind).ToString();

    /// <summary>
    /// Kind plus the error with its numbers blanked ("no answer within 500 ms" and "... 750 ms" are one problem) and
    /// without the "(… backing off until …)" of a refusal while the service backs off (a provider that is down is one
    /// problem whether a step reached it or was refused on its behalf), hashed into a short key an operator can type.
    /// </summary>
    public static string GroupKey(string kind, string error)
    {
        var normalised = Digits().Replace(BackingOff().Replace(error, ""), "#");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{normalised}"));
        return $"{kind}-{Convert.ToHexStringLower(hash)[..8]}";
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\s*\([^()]* service backing off until [^()]*\)$")]
    private static partial Regex BackingOff();

    public async Task<IReadOnlyList<StepIssueGroup>> StepIssueGroupsAsync(string status, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT group_key, kind, MIN(error), COUNT(*), MIN(since), MAX(last_at) FROM step_issue
            WHERE status = @status GROUP BY group_key, kind ORDER BY COUNT(*) DESC, group_key
            """, ("status", status));
        var groups = new List<StepIssueGroup>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            groups.Add(new StepIssueGroup(reader.GetString(0), reader.GetString(1), status, reader.GetString(2), Convert.ToInt32(reader.GetValue(3)),
                FromMillis(reader.GetInt64(4)), FromMillis(reader.GetInt64(5))));
        return groups;
    }

    /// <summary>How many steps are retrying and parked now, by status and kind: what the step-issue gauges report.</summary>
    public async Task<IReadOnlyList<(string Status, string Kind, int Count)>> StepIssueCountsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT status, kind, COUNT(*) FROM step_issue GROUP BY status, kind");
        var counts = new List<(string, string, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            counts.Add((reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2))));
        return counts;
    }

    /// <summary>Issues of one status, optionally of one group or order, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StepIssue>> StepIssuesAsync(string status, string? group = null, string? orderId = null, int limit = 10_000, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var where = "status = @status" + (group is null ? "" : " AND group_key = @group") + (orderId is null ? "" : " AND order_id = @order");
        await using var command = Command(connection, null, $"""
            SELECT order_id, step, kind, status, attempts, error, group_key, since, last_at, next_at FROM step_issue
            WHERE {where} ORDER BY since, order_id, step LIMIT @limit
            """, ("status", status), ("group", group ?? ""), ("order", orderId ?? ""), ("limit", limit));
        var issues = new List<StepIssue>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            issues.Add(new StepIssue(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Convert.ToInt32(reader.GetValue(4)),
                reader.GetString(5), reader.GetString(6), FromMillis(reader.GetInt64(7)), FromMillis(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : FromMillis(reader.GetInt64(9))));
        return issues;
    }

    private static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
