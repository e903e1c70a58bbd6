using System.Diagnostics;
using Orders.Actors.Providers;
using Orders.Bench.Telemetry;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>
/// An order's trace follows its shard: on three node processes, an order whose node leaves the cluster is resumed by
/// another, and the work done there is exported under the order's original trace id (issue 28, hand-off).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TraceHandOffSpecs
{
    [Fact]
    public async Task An_order_whose_shard_moves_after_cluster_leave_has_its_own_spans_from_two_processes_under_one_trace()
    {
        await using var receiver = await WebhookReceiver.StartAsync("test-secret");
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        receiver.FailNext(int.MaxValue); // the customers' endpoint is down until the node has left
        await using var cluster = await LocalCluster.StartAsync(new Dictionary<string, long> { ["SKU-1"] = 100_000 }, _ => new SimulationSettings(5),
            collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false", "--OTEL_BSP_SCHEDULE_DELAY=200", "--Orders:Order:StepAttempts=1000"));
        var leaver = cluster.Nodes[2];

        // Orders placed through the leaving node until one of them lives there: its first webhook delivery is a span
        // of the process that also served the calls (the server spans name that process).
        var placed = new List<Order>();
        string? leaverProcess = null;
        Order? moved = null;
        while (moved is null && placed.Count < 40)
        {
            for (var i = 0; i < 5; i++)
                placed.Add((await leaver.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted, callback: receiver.Url.ToString()))).Order);
            await Poll.UntilAsync(() => Task.FromResult(collector.Spans), s => placed.All(o => s.Any(x => x.TraceId == o.TraceId && x.Name == "send notify-webhook")),
                "the orders' first webhook deliveries were not exported");
            var spans = collector.Spans;
            leaverProcess ??= spans.First(s => s.TraceId == placed[0].TraceId && s.Kind == ActivityKind.Server).ServiceInstance;
            moved = placed.FirstOrDefault(o => spans.Any(s => s.TraceId == o.TraceId && s.Name == "send notify-webhook" && s.ServiceInstance == leaverProcess));
        }
        Assert.True(moved is not null, $"none of {placed.Count} orders placed through the leaving node was hosted there");

        var leave = await OrdersCli.RunAsync(cluster.Nodes[0].GrpcAddress, "cluster", "leave", $"127.0.0.1:{cluster.RemotingPorts[2]}");
        Assert.True(leave.ExitCode == 0, leave.ToString());
        await Poll.UntilAsync(async () => (await OrdersCli.RunAsync(cluster.Nodes[0].GrpcAddress, "cluster", "show", "--json")).Json<AdminV1.ClusterState>(),
            s => s.Members.Count == 2, "the node did not leave", TimeSpan.FromSeconds(60));
        receiver.FailNext(0);

        await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Count(r => r.OrderId == moved!.OrderId)), n => n == 4,
            "the order's webhooks were not delivered after the hand-off", TimeSpan.FromSeconds(60));
        var trace = await Poll.UntilAsync(() => Task.FromResult(collector.Trace(moved.TraceId)),
            t => t.Any(s => s.Name == "process webhook" && s.Status != ActivityStatusCode.Error && s.ServiceInstance != leaverProcess),
            "the node that took the order over exported no delivery in its trace");
        var resumedBy = trace.Where(s => s.Name == "send notify-webhook" && s.ServiceInstance != leaverProcess).Select(s => s.ServiceInstance).Distinct().ToList();
        Assert.Single(resumedBy);
        // The order's own work (deliveries) from two processes, one trace id; the later ones under the persisted context.
        Assert.Contains(trace, s => s.Name == "send notify-webhook" && s.ServiceInstance == leaverProcess);
        var call = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.Scope == "Microsoft.AspNetCore");
        Assert.All(trace.Where(s => s.Name == "send notify-webhook"), s => Assert.Equal(call.SpanId, s.ParentSpanId));
        Assert.All(receiver.Accepted.Where(r => r.OrderId == moved.OrderId), r => Assert.Equal(moved.TraceId, r.TraceParent.Split('-')[1]));
    }
}
