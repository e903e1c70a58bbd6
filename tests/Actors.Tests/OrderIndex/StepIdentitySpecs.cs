using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Hosting;
using Orders.Actors.Tests.Support;
using Orders.Actors.Tests.Workflows;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Tests.OrderIndex;

/// <summary>
/// The step-issue read model keys a step by (workflow, instance, step): steps of any workflow are kept, listed and
/// grouped side by side, and the rows of a build that kept order steps only move over unchanged.
/// </summary>
public abstract class StepIdentitySpecs(PersistenceProvider provider) : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private readonly TestDatabase _database = new(provider);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Step_issues_of_two_workflows_with_the_same_instance_id_and_step_are_kept_apart()
    {
        var store = _database.Options().OrderIndex();
        await store.EnsureSchemaAsync();

        await store.ApplyAsync("order-index", [
            new StepAttemptFailed("42", new StepId(StepKind.SendConfirmation), 1, At, "503 email down", At.AddSeconds(1), At),
        ], 1);
        await store.ApplyStepFactsAsync("trip-steps", TripHistory.Type, [
            ("42", TripHistory.Instance.FactsOf(new TripStepRetrying("send-confirmation", 1, "503 email down"), At)),
            ("42", TripHistory.Instance.FactsOf(new TripStepParked("notify-traveller", 3, "no answer within 700 ms"), At.AddSeconds(1))),
        ], 7);

        var retrying = await store.StepIssuesAsync(OrderIndexStore.Retrying);
        Assert.Equal([("order", "42", "send-confirmation"), ("trip", "42", "send-confirmation")],
            retrying.Select(i => (i.Workflow, i.InstanceId, i.Step)).OrderBy(i => i.Workflow));
        var groups = await store.StepIssueGroupsAsync(OrderIndexStore.Retrying);
        Assert.Equal(["order", "trip"], groups.Select(g => g.Workflow).Order());
        // Same kind, same error, two workflows: two groups, so replaying one never touches the other's.
        Assert.Equal(OrderIndexStore.GroupKey("send-confirmation", "503 email down"), groups.Single(g => g.Workflow == "order").Group);
        Assert.StartsWith("trip.send-confirmation-", groups.Single(g => g.Workflow == "trip").Group);
        var parked = Assert.Single(await store.StepIssuesAsync(OrderIndexStore.Parked, workflow: "trip", instanceId: "42"));
        Assert.Equal(("notify-traveller", 3, "no answer within 700 ms"), (parked.Step, parked.Attempts, parked.Error));
        Assert.Empty(await store.StepIssuesAsync(OrderIndexStore.Parked, workflow: "order"));
        Assert.Equal(7, await store.ReadOffsetAsync("trip-steps"));
        Assert.Equal(1, await store.ReadOffsetAsync("order-index"));

        // The trip's step succeeding clears the trip's issue only.
        await store.ApplyStepFactsAsync("trip-steps", TripHistory.Type, [
            ("42", TripHistory.Instance.FactsOf(new TripStepDone("send-confirmation", "sent", 2), At.AddSeconds(2))),
            ("42", TripHistory.Instance.FactsOf(new TripStepReplayed("notify-traveller"), At.AddSeconds(2))),
        ], 8);
        Assert.Equal(("order", "42"), Assert.Single(await store.StepIssuesAsync(OrderIndexStore.Retrying)) is var left ? (left.Workflow, left.InstanceId) : default);
        Assert.Empty(await store.StepIssuesAsync(OrderIndexStore.Parked));
    }

    [Fact]
    public async Task A_retried_reservation_that_succeeds_and_steps_withdrawn_by_compensation_leave_no_issue_behind()
    {
        var store = _database.Options().OrderIndex();
        await store.EnsureSchemaAsync();
        var reserve = new StepId(StepKind.ReserveStock, "SKU-A");
        var ship = new StepId(StepKind.CreateShipment);
        await store.ApplyAsync("order-index", [
            new StepAttemptFailed("7", reserve, 1, At, "no answer within 500 ms", At.AddSeconds(1), At),
            new StepAttemptFailed("7", ship, 1, At, "warehouse 503", At.AddSeconds(1), At),
            new StepAttemptFailed("8", ship, 1, At, "warehouse 503", At.AddSeconds(1), At),
        ], 3);
        Assert.Equal(3, (await store.StepIssuesAsync(OrderIndexStore.Retrying)).Count);

        // A reservation's success also moves the order index: it must clear its issue all the same.
        await store.ApplyAsync("order-index", [
            new StepSucceeded("7", reserve, "reserved", At.AddSeconds(2), 2, At.AddSeconds(1)),
            new CompensationStarted("8", "a line could not be reserved", ShipmentMayExist: true, At.AddSeconds(2)),
        ], 5);

        Assert.Equal(("7", "create-shipment"), Assert.Single(await store.StepIssuesAsync(OrderIndexStore.Retrying)) is var left ? (left.InstanceId, left.Step) : default);
    }

    [Fact]
    public async Task Step_issues_written_by_the_build_before_step_identity_move_over_as_the_order_workflows_less_those_it_never_cleared()
    {
        // The tables as builds up to 872532c created and filled them.
        _database.Execute("""
            CREATE TABLE order_index (order_id TEXT PRIMARY KEY, status TEXT NOT NULL, mode TEXT NOT NULL, total_minor BIGINT NOT NULL, currency TEXT NOT NULL,
                reservations_left INTEGER NOT NULL, placed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
            INSERT INTO order_index VALUES ('o-1', 'Fulfilling', 'Hybrid', 1999, 'EUR', 0, 1000, 2000);
            INSERT INTO order_index VALUES ('o-2', 'Confirmed', 'Hybrid', 1999, 'EUR', 1, 1000, 2000);
            INSERT INTO order_index VALUES ('o-3', 'Fulfilling', 'Hybrid', 1999, 'EUR', 0, 1000, 2000);
            INSERT INTO order_index VALUES ('o-4', 'Compensating', 'Hybrid', 1999, 'EUR', 1, 1000, 2000);
            CREATE TABLE step_issue (order_id TEXT NOT NULL, step TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                error TEXT NOT NULL, group_key TEXT NOT NULL, since BIGINT NOT NULL, last_at BIGINT NOT NULL, next_at BIGINT, PRIMARY KEY (order_id, step));
            CREATE INDEX ix_step_issue_group ON step_issue (status, group_key);
            INSERT INTO step_issue VALUES ('o-1', 'send-confirmation', 'send-confirmation', 'parked', 3, 'email down', 'send-confirmation-0badc0de', 1000, 2000, NULL);
            INSERT INTO step_issue VALUES ('o-2', 'reserve-stock:SKU-A', 'reserve-stock', 'retrying', 1, 'slow', 'reserve-stock-12345678', 1000, 1000, 3000);
            -- left behind by those builds: o-3 got its stock after retrying, o-4 compensates
            INSERT INTO step_issue VALUES ('o-3', 'reserve-stock:SKU-B', 'reserve-stock', 'retrying', 1, 'slow', 'reserve-stock-12345678', 1000, 1000, 3000);
            INSERT INTO step_issue VALUES ('o-4', 'create-shipment', 'create-shipment', 'retrying', 2, 'warehouse 503', 'create-shipment-87654321', 1000, 1000, 3000);
            INSERT INTO step_issue VALUES ('o-4', 'release-stock:SKU-C', 'release-stock', 'parked', 3, 'inventory down', 'release-stock-11111111', 1000, 2000, NULL);
            """, index: true);
        var store = _database.Options().OrderIndex();

        await store.EnsureSchemaAsync();
        await store.EnsureSchemaAsync(); // a restart: nothing left to move

        var parkedBoth = await store.StepIssuesAsync(OrderIndexStore.Parked);
        Assert.Equal(["o-1/send-confirmation", "o-4/release-stock:SKU-C"], parkedBoth.Select(i => $"{i.InstanceId}/{i.Step}").Order());
        var parked = parkedBoth.Single(i => i.InstanceId == "o-1");
        Assert.Equal(new StepIssue("order", "o-1", "send-confirmation", "send-confirmation", "parked", 3, "email down", "send-confirmation-0badc0de",
            DateTimeOffset.FromUnixTimeMilliseconds(1000), DateTimeOffset.FromUnixTimeMilliseconds(2000), null), parked);
        var retrying = Assert.Single(await store.StepIssuesAsync(OrderIndexStore.Retrying));
        Assert.Equal(("o-2", "reserve-stock:SKU-A"), (retrying.InstanceId, retrying.Step));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(3000), retrying.NextAttemptAt);
        Assert.Equal(0L, _database.Scalar(provider == PersistenceProvider.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'step_issue'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'step_issue'", index: true));
        Assert.All(await store.StepIssueGroupsAsync(OrderIndexStore.Parked), g => Assert.Equal("order", g.Workflow));
    }

    [Fact]
    public void The_timeline_of_any_workflow_is_told_from_its_facts()
    {
        var events = new ITripEvent[]
        {
            new TripCallFailed("quote", 1, "no answer within 700 ms"), new TripQuoted("120 EUR", 2), new TripCharged("ch-1", 1),
            new TripStepRetrying("notify-traveller", 1, "sms gateway 503"), new TripStepParked("notify-traveller", 3, "sms gateway 503"),
            new TripStepReplayed("notify-traveller"), new TripStepDone("notify-traveller", "sent", 1),
        };
        var entries = WorkflowTimeline.InTimeOrder(events.SelectMany((e, i) =>
            WorkflowTimeline.Describe(TripHistory.Instance, TripHistory.Instance.FactsOf(e, At.AddSeconds(i)))));

        Assert.Equal([
            ("quote_attempt", null, 1, "failed"), ("quote_attempt", null, 2, "quoted"), ("charge_attempt", null, 1, "charged"),
            ("step_attempt", "notify-traveller", 1, "failed"), ("step_parked", "notify-traveller", 3, "parked"),
            ("step_replayed", "notify-traveller", 0, "replayed"), ("step_attempt", "notify-traveller", 1, "succeeded"),
        ], entries.Select(e => (e.Kind, e.Step, e.Attempt, e.Outcome)));
        Assert.Equal(At.AddSeconds(4), entries[4].At);
    }
}

public sealed class StepIdentityOnSqlite() : StepIdentitySpecs(PersistenceProvider.Sqlite);

public sealed class StepIdentityOnPostgreSql() : StepIdentitySpecs(PersistenceProvider.PostgreSql);
