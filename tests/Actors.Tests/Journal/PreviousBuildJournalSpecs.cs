using Microsoft.Data.Sqlite;
using Orders.Actors.Orders;
using Orders.Actors.Tests.Support;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Journal;

/// <summary>
/// A journal written by an earlier build (Fixtures/journal-0c49669.sql: a SQLite dump taken from a node of commit
/// 0c49669, crashed with orders in every state) recovers in this build and its orders finish: persistence ids,
/// manifests and payloads are a contract with every database already out there.
/// </summary>
/// <remarks>
/// In the fixture: completed (hybrid and sync), declined and cancelled orders; one fulfilling with its confirmation
/// email parked after 3 failures; and, in flight at the crash, one fulfilling and one compensating with a failed email
/// delivery on record, one confirmed with its reservation unanswered, one accepted with two failed payment attempts.
/// Stock was set to 10 for SKU-A and SKU-B, 0 for SKU-EMPTY.
/// </remarks>
public sealed class PreviousBuildJournalSpecs : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private OrderNode _node = null!;

    public async Task InitializeAsync()
    {
        var dump = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Journal", "Fixtures", "journal-0c49669.sql"));
        await using (var connection = new SqliteConnection($"Data Source={_database.SqlitePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var load = connection.CreateCommand();
            load.CommandText = dump;
            await load.ExecuteNonQueryAsync();
        }
        _node = await OrderNode.StartAsync(_database, TestOrders.ScaledSeedProviders());
    }

    [Fact]
    public async Task Settled_orders_read_as_they_were_written()
    {
        var completed = await _node.GetViewAsync("fx-completed");
        Assert.Equal(OrderStatus.Completed, completed.Status);
        Assert.Equal(7, completed.Version);
        Assert.Equal(["create-shipment", "reserve-stock:SKU-A", "reserve-stock:SKU-B", "send-confirmation"], completed.Steps.Select(s => s.Step));
        Assert.All(completed.Steps, s => Assert.Equal((StepStatus.Succeeded, 1), (s.Status, s.Attempts)));
        Assert.Equal(2 * 1999 + 500, completed.Details.TotalMinor);

        var sync = await _node.GetViewAsync("fx-sync");
        Assert.Equal((OrderStatus.Completed, ResponseMode.Sync), (sync.Status, sync.Mode));
        Assert.Contains(sync.Steps, s => s.Step == "record-analytics" && s.Status == StepStatus.Succeeded);

        var declined = await _node.GetViewAsync("fx-declined");
        Assert.Equal(OrderStatus.PaymentDeclined, declined.Status);

        var cancelled = await _node.GetViewAsync("fx-cancelled");
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Contains(cancelled.Steps, s => s.Step == "reserve-stock:SKU-EMPTY" && s.Status == StepStatus.Failed);

        // Nothing settled is done again by the new node.
        await Task.Delay(500);
        Assert.Equal(0, _node.Providers.Email.DeliveriesFor("fx-completed/send-confirmation"));
        Assert.Equal(0, _node.Providers.Warehouse.ShipmentsCreatedFor("fx-completed"));
        Assert.Equal(0, _node.Providers.Payment.ChargesFor("fx-completed"));
    }

    [Fact]
    public async Task Orders_in_flight_at_the_crash_finish_with_each_effect_once()
    {
        var providers = _node.Providers;
        // Nobody asked these orders anything: remembered entities resume them.
        await Task.Delay(3000);
        var fulfilling = await _node.WaitForTerminalAsync("fx-fulfilling");
        var compensating = await _node.WaitForTerminalAsync("fx-compensating");
        var confirmed = await _node.WaitForTerminalAsync("fx-confirmed");
        var paymentPending = await _node.WaitForTerminalAsync("fx-payment-pending");

        Assert.Equal(OrderStatus.Completed, fulfilling.Status);
        // The attempts on record before the crash count: the failed first delivery and the one that got through.
        Assert.Contains(fulfilling.Steps, s => s.Step == "send-confirmation" && s.Status == StepStatus.Succeeded && s.Attempts >= 3);
        Assert.Equal(1, providers.Email.DeliveriesFor("fx-fulfilling/send-confirmation"));
        Assert.Equal(0, providers.Warehouse.ShipmentsCreatedFor("fx-fulfilling"));

        Assert.Equal(OrderStatus.Cancelled, compensating.Status);
        Assert.Equal(1, providers.Email.DeliveriesFor("fx-compensating/send-cancellation"));
        Assert.Equal(0, providers.Payment.RefundsFor("fx-compensating"));

        Assert.Equal(OrderStatus.Completed, confirmed.Status);
        Assert.Equal(1, providers.Warehouse.ShipmentsCreatedFor("fx-confirmed"));
        Assert.Equal(0, providers.Payment.ChargesFor("fx-confirmed"));

        Assert.Equal(OrderStatus.Completed, paymentPending.Status);
        // Two failed attempts on record (an injected failure, then the service backing off): the third is the new node's.
        Assert.Equal(3, paymentPending.PaymentAttempts);
        Assert.Equal(1, providers.Payment.ChargesFor("fx-payment-pending"));

        // Each reservation taken once, whether the SKU entity had stored it before the crash or not.
        Assert.Equal(10 - 2 - 1 - 1 - 2 - 1, (await _node.GetStockAsync("SKU-A")).Available);
        Assert.Equal(10 - 1 - 1 - 3, (await _node.GetStockAsync("SKU-B")).Available);
    }

    [Fact]
    public async Task A_step_parked_by_the_earlier_build_is_replayed_and_the_order_completes()
    {
        var parked = await _node.GetViewAsync("fx-parked");
        Assert.Equal(OrderStatus.Fulfilling, parked.Status);
        var step = Assert.Single(parked.ParkedSteps);
        Assert.Equal(("send-confirmation", 3), (step.Step, step.Attempts));

        var replayed = OrderNode.Expect<OrderView>(await _node.AskAsync(_node.Orders, new ReplayParkedSteps("fx-parked", global::Orders.Actors.Messaging.MessageContext.New())));
        Assert.Empty(replayed.ParkedSteps);
        var done = await _node.WaitForTerminalAsync("fx-parked");
        Assert.Equal(OrderStatus.Completed, done.Status);
        Assert.Equal(1, _node.Providers.Email.DeliveriesFor("fx-parked/send-confirmation"));
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _database.Dispose();
    }
}
