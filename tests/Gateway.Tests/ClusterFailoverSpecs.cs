using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>
/// Three real node processes on loopback sharing PostgreSQL: losing a node (SIGKILL) or removing one (SIGTERM) while
/// orders flow loses no acknowledged order, sells no unit twice, charges and emails each customer once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverSpecs(ITestOutputHelper output)
{
    private static readonly Dictionary<string, long> Stock = new() { [OrderTraffic.PlentifulSku] = 1_000_000, [OrderTraffic.ScarceSku] = 15 };

    // Latencies long enough that a node dies with orders in every state, short enough to run many.
    private static SimulationSettings Latency(ProviderKind kind) => new(kind == ProviderKind.Payment ? 60 : 25, JitterMs: 10);

    [Fact]
    public async Task Killing_a_node_loses_no_acknowledged_order_and_the_survivors_take_over()
    {
        await using var cluster = await LocalCluster.StartAsync(Stock, Latency);
        // The first node is the oldest: it hosts the shard coordinator and the singletons, the hardest one to lose.
        var (victim, survivors) = (cluster.Nodes[0], cluster.Nodes[1..]);
        var traffic = new OrderTraffic(survivors, retry: true);
        await traffic.WarmUpAsync(cluster.Nodes);
        using var stop = new CancellationTokenSource();
        var load = traffic.RunAsync(clients: 6, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(6));
        var beforeKill = traffic.AcknowledgedOrders.Count;
        var killedAt = traffic.Elapsed;
        await victim.KillAsync();
        var downedAfter = await WaitUntilAsync(async () => await LocalCluster.MembersUpAsync(survivors[0]) == 2 && await LocalCluster.MembersUpAsync(survivors[1]) == 2,
            TimeSpan.FromSeconds(60), traffic, killedAt);
        await Task.Delay(TimeSpan.FromSeconds(12));
        await stop.CancelAsync();
        await load;

        var stalled = traffic.AcknowledgedOrders.Where(o => o.FailedAttempts > 0).ToList();
        var recoveredAfter = stalled.Count == 0 ? TimeSpan.Zero : stalled.Max(o => o.AcknowledgedAt) - killedAt;
        var afterRecovery = traffic.AcknowledgedOrders.Count(o => o.FirstAttemptAt > killedAt + recoveredAfter);
        output.WriteLine($"orders acknowledged: {traffic.AcknowledgedOrders.Count} ({beforeKill} before the kill, {afterRecovery} placed after recovery)");
        output.WriteLine($"failed calls (each retried through the other survivor): {traffic.Failures.Count}, orders that needed a retry: {stalled.Count}");
        output.WriteLine($"killed node downed by the split-brain resolver after {downedAfter.TotalSeconds:0.0} s");
        output.WriteLine($"recovery: every order caught by the kill acknowledged {recoveredAfter.TotalSeconds:0.0} s after the kill");

        Assert.Empty(traffic.Abandoned);
        Assert.True(afterRecovery > 0, "no order was placed after the cluster recovered");
        var outcome = await AssertNothingLostAsync(cluster, survivors[0], traffic);
        output.WriteLine(outcome);
    }

    [Fact]
    public async Task A_node_leaving_under_load_fails_no_client_call()
    {
        await using var cluster = await LocalCluster.StartAsync(Stock, Latency);
        var (leaver, remaining) = (cluster.Nodes[2], cluster.Nodes[..2]);
        var traffic = new OrderTraffic(remaining, retry: false);
        await traffic.WarmUpAsync(cluster.Nodes);
        using var stop = new CancellationTokenSource();
        var load = traffic.RunAsync(clients: 6, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(6));
        var leaveTook = await leaver.TerminateAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await load;

        output.WriteLine($"node left (SIGTERM to exit, shards handed off) in {leaveTook.TotalSeconds:0.0} s, exit code {leaver.ExitCode}");
        output.WriteLine($"orders acknowledged: {traffic.AcknowledgedOrders.Count}, failed calls: {traffic.Failures.Count}");
        Assert.True(traffic.Failures.Count == 0, "failed calls during a graceful leave:\n" + string.Join("\n", traffic.Failures.Take(10)));
        Assert.Equal(0, leaver.ExitCode);
        await cluster.WaitForMembersAsync(remaining, 2, TimeSpan.FromSeconds(10));
        output.WriteLine(await AssertNothingLostAsync(cluster, remaining[0], traffic));
    }

    private static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, OrderTraffic traffic, TimeSpan since)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not true within {within}");
            await Task.Delay(200);
        }
        return traffic.Elapsed - since;
    }

    /// <summary>Every acknowledged order terminal; stock conserved exactly; each completed order charged, shipped and emailed once.</summary>
    private static async Task<string> AssertNothingLostAsync(LocalCluster cluster, GatewayProcess reader, OrderTraffic traffic)
    {
        var orders = new List<(OrderTraffic.Acknowledged Placed, Order Final)>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        foreach (var placed in traffic.AcknowledgedOrders)
        {
            while (true)
            {
                var order = await reader.Client.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId });
                if (order.Status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.PaymentDeclined or OrderStatus.Rejected)
                {
                    orders.Add((placed, order));
                    break;
                }
                if (DateTime.UtcNow > deadline) Assert.Fail($"acknowledged order {placed.OrderId} is still {order.Status}");
                await Task.Delay(100);
            }
        }
        var completed = orders.Where(o => o.Final.Status == OrderStatus.Completed).Select(o => o.Placed).ToList();
        Assert.NotEmpty(completed);

        foreach (var (sku, unitsOf) in new (string, Func<OrderTraffic.Acknowledged, int>)[] { (OrderTraffic.PlentifulSku, o => o.UnitsA), (OrderTraffic.ScarceSku, o => o.UnitsB) })
        {
            var (available, reserved) = await cluster.StockAsync(reader, sku);
            var sold = completed.Sum(unitsOf);
            Assert.True(Stock[sku] == available + sold, $"{sku}: initial {Stock[sku]} != available {available} + sold {sold}");
            Assert.Equal(sold, reserved);
        }

        var world = cluster.Providers;
        Assert.Equal(0, world.Payment.DuplicateCharges);
        // A rejected order is terminal before the void of its (perhaps charged) payment has run: wait for the voids.
        await Poll.UntilAsync(() => Task.FromResult(world.Payment.NetCharges), n => n == completed.Count, $"net charges never came to the {completed.Count} completed orders");
        var confirmations = world.Email.Sent.Where(m => m.Subject.EndsWith(" confirmed", StringComparison.Ordinal))
            .GroupBy(m => m.Subject).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(completed, o => Assert.Equal(1, confirmations.GetValueOrDefault($"Order {o.OrderId} confirmed")));
        Assert.Equal(completed.Count, confirmations.Count);
        Assert.All(completed, o => Assert.Equal(1, world.Warehouse.ShipmentsCreatedFor(o.OrderId)));
        Assert.Equal(completed.Count, world.Warehouse.ActiveShipments);

        return $"terminal: {orders.Count} ({completed.Count} completed, " +
               $"{orders.Count(o => o.Final.Status == OrderStatus.Cancelled)} cancelled/compensated, " +
               $"{orders.Count(o => o.Final.Status == OrderStatus.PaymentDeclined)} declined, {orders.Count(o => o.Final.Status == OrderStatus.Rejected)} rejected); " +
               $"provider calls: {world.Payment.AuthorizeCalls} authorizations for {world.Payment.TotalCharges} charges, {world.Email.Calls} email calls for {world.Email.Sent.Count} emails";
    }
}

/// <summary>One three-node cluster at a time (three node processes, each with its own Akka system, on two cores).</summary>
[CollectionDefinition(Name), LongRunning(150)]
public sealed class ClusterCollection
{
    public const string Name = "three-node cluster";
}
