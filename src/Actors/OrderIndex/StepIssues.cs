using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;

namespace Orders.Actors.OrderIndex;

/// <summary>A step that is retrying or parked, as the read model has it: step identity is (workflow, instance, step).</summary>
public sealed record StepIssue(string Workflow, string InstanceId, string Step, string Kind, string Status, int Attempts, string Error, string Group,
    DateTimeOffset Since, DateTimeOffset LastAt, DateTimeOffset? NextAttemptAt);

/// <summary>Issues of one workflow's step kind with one (normalised) error, the way failed messages are grouped for bulk retry.</summary>
public sealed record StepIssueGroup(string Group, string Workflow, string Kind, string Status, string Error, int Count, DateTimeOffset Oldest, DateTimeOffset Newest);

/// <summary>
/// The steps that are retrying or parked across all instances of all workflows (table workflow_step_issue), kept from
/// each workflow's <see cref="WorkflowFact"/>s; for orders from the same events and in the same transaction as the
/// order index. Listing or replaying them never wakes an actor per instance.
/// </summary>
public sealed partial class OrderIndexStore
{
    public const string Retrying = "retrying";
    public const string Parked = "parked";

    private const string StepIssueSchema = """

        CREATE TABLE IF NOT EXISTS workflow_step_issue (
            workflow TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            step TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT NOT NULL,
            group_key TEXT NOT NULL,
            since BIGINT NOT NULL,
            last_at BIGINT NOT NULL,
            next_at BIGINT,
            PRIMARY KEY (workflow, instance_id, step));
        CREATE INDEX IF NOT EXISTS ix_workflow_step_issue_group ON workflow_step_issue (status, group_key);
        """;

    /// <summary>
    /// Builds before step identity kept order steps only, in step_issue keyed by (order_id, step): its rows move over as
    /// the order workflow's, in the transaction that drops it. Those builds missed two resolutions (the events also
    /// moved the order index, which took them first): a reservation that succeeded after retrying, and forward steps
    /// withdrawn by compensation; the move leaves those out. Nodes starting together may race here; the loser's
    /// transaction fails and its projection retries, finding the move done. ("WHERE true": SQLite would read the
    /// ON CONFLICT of an INSERT ... SELECT without a WHERE as the SELECT's join constraint.)
    /// </summary>
    private static readonly string MoveOrderStepIssues = $"""
        INSERT INTO workflow_step_issue (workflow, instance_id, step, kind, status, attempts, error, group_key, since, last_at, next_at)
        SELECT 'order', order_id, step, kind, status, attempts, error, group_key, since, last_at, next_at FROM step_issue WHERE true
        ON CONFLICT (workflow, instance_id, step) DO NOTHING;
        DROP TABLE step_issue;
        DELETE FROM workflow_step_issue WHERE workflow = 'order' AND status = '{Retrying}' AND kind = 'reserve-stock'
            AND instance_id IN (SELECT order_id FROM order_index WHERE status <> 'Confirmed');
        DELETE FROM workflow_step_issue WHERE workflow = 'order' AND status = '{Retrying}'
            AND kind IN ({string.Join(", ", OrderHistory.ForwardKinds.Select(k => $"'{k}'"))})
            AND instance_id IN (SELECT order_id FROM order_index WHERE status IN ('Compensating', 'Cancelled'));
        """;

    private const string UpsertIssue = """
        INSERT INTO workflow_step_issue (workflow, instance_id, step, kind, status, attempts, error, group_key, since, last_at, next_at)
        VALUES (@workflow, @id, @step, @kind, @status, @attempts, @error, @group, @at, @at, @next)
        ON CONFLICT (workflow, instance_id, step) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, error = excluded.error,
            group_key = excluded.group_key, last_at = excluded.last_at, next_at = excluded.next_at
        """;

    private async Task MoveLegacyStepIssuesAsync(DbConnection connection, CancellationToken ct)
    {
        await using (var exists = Command(connection, null, _postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'step_issue'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'step_issue'"))
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false)) == 0) return;
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var move = Command(connection, transaction, MoveOrderStepIssues))
            await move.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>What one instance's facts do to its step issues, in order.</summary>
    private static IEnumerable<DbCommand> StepIssueStatements(DbConnection connection, DbTransaction transaction, string workflow, string instanceId,
        IEnumerable<WorkflowFact> facts)
    {
        foreach (var fact in facts)
        {
            var command = fact switch
            {
                WorkflowFact.StepAttemptFailed f => Issue(connection, transaction, workflow, instanceId, f.Step, Retrying, f.Attempt, f.Error, f.At, f.NextAttemptAt),
                WorkflowFact.StepParked p => Issue(connection, transaction, workflow, instanceId, p.Step, Parked, p.Attempts, p.Error, p.At, null),
                // A first-time outcome had no earlier failure on record (0 = an event older than attempt counting).
                WorkflowFact.StepSucceeded { Attempts: not 1 } s => Resolved(connection, transaction, workflow, instanceId, s.Step),
                WorkflowFact.StepRefused { Attempts: not 1 } r => Resolved(connection, transaction, workflow, instanceId, r.Step),
                WorkflowFact.StepReplayed r => Resolved(connection, transaction, workflow, instanceId, r.Step),
                WorkflowFact.StepsWithdrawn { Kinds.Count: > 0 } w => Command(connection, transaction,
                    $"DELETE FROM workflow_step_issue WHERE workflow = @workflow AND instance_id = @id AND status = '{Retrying}' AND kind IN ({string.Join(", ", w.Kinds.Select((_, i) => $"@kind{i}"))})",
                    [("workflow", (object)workflow), ("id", instanceId), .. w.Kinds.Select((k, i) => ($"kind{i}", (object)k))]),
                _ => null,
            };
            if (command is not null) yield return command;
        }
    }

    private static DbCommand Issue(DbConnection connection, DbTransaction transaction, string workflow, string instanceId, string step, string status, int attempts,
        string error, DateTimeOffset at, DateTimeOffset? next)
    {
        var kind = WorkflowFact.KindOf(step);
        return Command(connection, transaction, UpsertIssue, ("workflow", workflow), ("id", instanceId), ("step", step), ("kind", kind), ("status", status),
            ("attempts", attempts), ("error", error), ("group", GroupKey(workflow, kind, error)), ("at", at.ToUnixTimeMilliseconds()),
            ("next", next is { } n ? n.ToUnixTimeMilliseconds() : DBNull.Value));
    }

    private static DbCommand Resolved(DbConnection connection, DbTransaction transaction, string workflow, string instanceId, string step) =>
        Command(connection, transaction, "DELETE FROM workflow_step_issue WHERE workflow = @workflow AND instance_id = @id AND step = @step",
            ("workflow", workflow), ("id", instanceId), ("step", step));

    /// <summary>
    /// Kind plus the error with its numbers blanked ("no answer within 500 ms" and "... 750 ms" are one problem) and
    /// without the "(… backing off until …)" of a refusal while the service backs off (a provider that is down is one
    /// problem whether a step reached it or was refused on its behalf), hashed into a short key an operator can type.
    /// </summary>
    public static string GroupKey(string kind, string error) => GroupKey(OrderWorkflow.Type, kind, error);

    /// <summary>
    /// A group never spans workflows: another workflow's keys name it ("trip.notify-traveller-…"). The order's keep the
    /// form they had before step identity ("send-confirmation-…"), which stored rows and operators' notes use.
    /// </summary>
    public static string GroupKey(string workflow, string kind, string error)
    {
        var normalised = Digits().Replace(BackingOff().Replace(error, ""), "#");
        var scope = workflow == OrderWorkflow.Type ? "" : $"{workflow}.";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(scope.Length == 0 ? $"{kind}\n{normalised}" : $"{workflow}\n{kind}\n{normalised}"));
        return $"{scope}{kind}-{Convert.ToHexStringLower(hash)[..8]}";
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\s*\([^()]* service backing off until [^()]*\)$")]
    private static partial Regex BackingOff();

    public async Task<IReadOnlyList<StepIssueGroup>> StepIssueGroupsAsync(string status, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT group_key, workflow, kind, MIN(error), COUNT(*), MIN(since), MAX(last_at) FROM workflow_step_issue
            WHERE status = @status GROUP BY group_key, workflow, kind ORDER BY COUNT(*) DESC, group_key, workflow
            """, ("status", status));
        var groups = new List<StepIssueGroup>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            groups.Add(new StepIssueGroup(reader.GetString(0), reader.GetString(1), reader.GetString(2), status, reader.GetString(3), Convert.ToInt32(reader.GetValue(4)),
                FromMillis(reader.GetInt64(5)), FromMillis(reader.GetInt64(6))));
        return groups;
    }

    /// <summary>How many steps are retrying and parked now, by workflow, status and kind: what the step-issue gauges report.</summary>
    public async Task<IReadOnlyList<(string Workflow, string Status, string Kind, int Count)>> StepIssueCountsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT workflow, status, kind, COUNT(*) FROM workflow_step_issue GROUP BY workflow, status, kind");
        var counts = new List<(string, string, string, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            counts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3))));
        return counts;
    }

    /// <summary>Issues of one status, optionally of one group, workflow or instance, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StepIssue>> StepIssuesAsync(string status, string? group = null, string? workflow = null, string? instanceId = null,
        int limit = 10_000, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var where = "status = @status" + (group is null ? "" : " AND group_key = @group") + (workflow is null ? "" : " AND workflow = @workflow")
                    + (instanceId is null ? "" : " AND instance_id = @id");
        await using var command = Command(connection, null, $"""
            SELECT workflow, instance_id, step, kind, status, attempts, error, group_key, since, last_at, next_at FROM workflow_step_issue
            WHERE {where} ORDER BY since, workflow, instance_id, step LIMIT @limit
            """, ("status", status), ("group", group ?? ""), ("workflow", workflow ?? ""), ("id", instanceId ?? ""), ("limit", limit));
        var issues = new List<StepIssue>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            issues.Add(new StepIssue(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Convert.ToInt32(reader.GetValue(5)), reader.GetString(6), reader.GetString(7), FromMillis(reader.GetInt64(8)), FromMillis(reader.GetInt64(9)),
                reader.IsDBNull(10) ? null : FromMillis(reader.GetInt64(10))));
        return issues;
    }

    private static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
