using System.Diagnostics;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Cli;

/// <summary>
/// The cluster palettes against three node processes on PostgreSQL: membership, where the order entities live, a
/// graceful leave under load with no failed call, faults on the shared provider simulator, and a SIGKILLed node downed by hand before the split-brain resolver acts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPaletteSpecs(ITestOutputHelper output)
{
    private const int LiveOrders = 30;
    // akka.hocon: the failure detector tolerates 5 s of silence; the split-brain resolver then waits stable-after = 7 s.
    private static readonly TimeSpan SplitBrainResolverStableAfter = TimeSpan.FromSeconds(7);
    private static readonly Dictionary<string, long> Stock = new() { [OrderTraffic.PlentifulSku] = 1_000_000, [OrderTraffic.ScarceSku] = 15 };

    private static SimulationSettings Latency(ProviderKind kind) => new(kind == ProviderKind.Payment ? 60 : 25, JitterMs: 10);

    private static Task<OrdersCli.Result> Cli(GatewayProcess node, params string[] args) => OrdersCli.RunAsync(new Uri($"http://{node.Channel.Target}"), args);

    private static async Task<T> Json<T>(GatewayProcess node, params string[] args) where T : Google.Protobuf.IMessage<T>, new()
    {
        var result = await Cli(node, [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json<T>();
    }

    [Fact]
    public async Task Show_region_stats_leave_and_down_unreachable_operate_a_three_node_cluster()
    {
        await using var cluster = await LocalCluster.StartAsync(Stock, Latency, "--Orders:Order:StepAttempts=10000");
        var (first, second, third) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        string Address(int node) => $"akka.tcp://orders@127.0.0.1:{cluster.RemotingPorts[node]}";

        var members = await Json<AdminV1.ClusterState>(first, "cluster", "show");
        Assert.Equal(3, members.Members.Count(m => m.Status == "up" && m.Reachable));
        Assert.Equal(Enumerable.Range(0, 3).Select(Address).Order(), members.Members.Select(m => m.Address).Order());
        Assert.Single(members.Members, m => m.Leader);
        Assert.Single(members.Members, m => m.Oldest);
        Assert.Equal(Address(0), Assert.Single(members.Members, m => m.Self).Address);
        output.WriteLine((await Cli(first, "cluster", "show")).Out);

        // With email down, every order stays alive, retrying its confirmation: the entities region-stats must account for.
        // Faults from any node act on the provider simulator that all three call.
        var outage = await Cli(third, "faults", "set", "email", "--outage", "10m");
        Assert.True(outage.ExitCode == 0, outage.ToString());
        Assert.True(cluster.Providers.Simulations[ProviderKind.Email].Settings.InOutage(DateTimeOffset.UtcNow), "the simulator's email is not down");
        var seen = await Json<AdminV1.FaultsReply>(first, "faults", "show");
        Assert.Single(seen.Providers.Single(p => p.Provider == "email").Outages);
        var ids = new List<string>();
        for (var i = 0; i < LiveOrders; i++)
            ids.Add((await cluster.Nodes[i % 3].Client.PlaceOrderAsync(
                GatewayServer.Order(mode: ResponseMode.Accepted, sku: OrderTraffic.PlentifulSku), deadline: DateTime.UtcNow.AddSeconds(30))).Order.OrderId);
        var stats = await Poll.UntilAsync(() => Json<AdminV1.RegionStatsReply>(first, "cluster-sharding", "region-stats", "order"),
            s => s.TotalEntities == LiveOrders, $"region-stats never counted the {LiveOrders} live orders", TimeSpan.FromSeconds(30));
        Assert.Equal(3, stats.Nodes.Count);
        Assert.Equal(LiveOrders, stats.Nodes.Sum(n => n.Entities));
        Assert.Equal(stats.TotalShards, stats.Nodes.Sum(n => n.Shards));
        Assert.Contains(stats.Coordinator, Enumerable.Range(0, 3).Select(Address));
        var perShard = await Json<AdminV1.RegionStatsReply>(second, "cluster-sharding", "shard-stats", "order");
        Assert.Equal(LiveOrders, perShard.Nodes.Sum(n => n.EntitiesByShard.Values.Sum()));
        output.WriteLine((await Cli(first, "cluster-sharding", "region-stats", "order")).Out);
        // Retrying steps are a read model of the orders' events, read here on a third node: wait until it has them all.
        var retrying = await Poll.UntilAsync(() => Json<AdminV1.ListStepIssuesReply>(third, "steps", "retrying"),
            r => ids.All(id => r.Issues.Any(i => i.OrderId == id && i.Step == "send-confirmation")), "the retrying list never showed every live order");
        Assert.Equal(ids.Order(), retrying.Issues.Where(i => i.Step == "send-confirmation").Select(i => i.OrderId).Order());

        Assert.Equal(0, (await Cli(second, "faults", "clear", "email")).ExitCode);
        Assert.False(cluster.Providers.Simulations[ProviderKind.Email].Settings.InOutage(DateTimeOffset.UtcNow), "the simulator's email is still down");
        foreach (var id in ids) await WaitForCompletedAsync(first, id);
        Assert.All(ids, id => Assert.Equal(1, cluster.Providers.Email.DeliveriesFor($"{id}/send-confirmation")));

        // A graceful leave ordered from another node, under load on the other two: no client call fails.
        var traffic = new OrderTraffic([first, second], retry: false);
        await traffic.WarmUpAsync(cluster.Nodes);
        using var stop = new CancellationTokenSource();
        var load = traffic.RunAsync(clients: 6, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var leave = await Cli(first, "cluster", "leave", $"127.0.0.1:{cluster.RemotingPorts[2]}");
        Assert.True(leave.ExitCode == 0, leave.ToString());
        output.WriteLine(leave.Out);
        var left = Stopwatch.StartNew();
        await Poll.UntilAsync(() => Json<AdminV1.ClusterState>(first, "cluster", "show"), s => s.Members.Count == 2, "the node did not leave", TimeSpan.FromSeconds(60));
        output.WriteLine($"left and removed in {left.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await load;
        output.WriteLine($"orders acknowledged during the leave: {traffic.AcknowledgedOrders.Count}, failed calls: {traffic.Failures.Count}");
        Assert.True(traffic.Failures.Count == 0, "failed calls during a graceful leave:\n" + string.Join("\n", traffic.Failures.Take(10)));
        Assert.True(traffic.AcknowledgedOrders.Count > 20, $"only {traffic.AcknowledgedOrders.Count} orders placed during the leave");
        var afterLeave = await Json<AdminV1.RegionStatsReply>(first, "cluster-sharding", "region-stats", "order");
        Assert.Equal(2, afterLeave.Nodes.Count);
        Assert.Empty(afterLeave.Failed);

        // SIGKILL: the failure detector marks it unreachable; down-unreachable removes it without waiting for the resolver.
        var killed = Stopwatch.StartNew();
        await second.KillAsync();
        await Poll.UntilAsync(() => Json<AdminV1.ClusterState>(first, "cluster", "show"), s => s.Unreachable.Contains(Address(1)),
            "the killed node was never unreachable", TimeSpan.FromSeconds(30));
        var unreachableAfter = killed.Elapsed;
        var down = await Cli(first, "cluster", "down-unreachable");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains(Address(1), down.Out);
        await Poll.UntilAsync(() => Json<AdminV1.ClusterState>(first, "cluster", "show"), s => s.Members.Count == 1, "the downed node was not removed", TimeSpan.FromSeconds(30));
        var removedAfter = killed.Elapsed;
        output.WriteLine($"SIGKILL -> unreachable {unreachableAfter.TotalSeconds:0.0} s -> down-unreachable -> removed at {removedAfter.TotalSeconds:0.0} s");
        Assert.True(removedAfter - unreachableAfter < SplitBrainResolverStableAfter,
            $"removed {(removedAfter - unreachableAfter).TotalSeconds:0.0} s after it became unreachable: no faster than the resolver's {SplitBrainResolverStableAfter.TotalSeconds} s");

        var survivor = await Json<AdminV1.ClusterState>(first, "cluster", "show");
        Assert.Equal([Address(0)], survivor.Members.Select(m => m.Address));
        var placed = await first.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync, sku: OrderTraffic.PlentifulSku), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);
    }

    private static async Task WaitForCompletedAsync(GatewayProcess node, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Order order;
        do
        {
            order = await node.Client.GetOrderAsync(new GetOrderRequest { OrderId = id });
            if (order.Status == OrderStatus.Completed) return;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"order {id} did not complete: {order}");
    }
}
