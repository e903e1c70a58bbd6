using System.Diagnostics;
using Orders.Bench.Telemetry;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Directory = System.IO.Directory;

namespace Orders.Gateway.Tests;

/// <summary>
/// An order's trace outlives the process that started it: the trace context is persisted with the order, so the work a
/// restarted node resumes is exported under the same trace id (issue 28, continuity).
/// </summary>
public sealed class TraceContinuitySpecs
{
    [Fact]
    public async Task Steps_resumed_after_a_sigkill_export_their_spans_in_the_orders_original_trace_from_the_new_process()
    {
        var database = GatewayServer.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        await using var receiver = await WebhookReceiver.StartAsync("test-secret");
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        receiver.FailNext(int.MaxValue); // the customer's endpoint is down while the first process runs
        var (grpcPort, httpPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        // Spans leave in batches every 200 ms, so what the first process ended is exported before it is killed.
        var settings = collector.NodeSettings("http/protobuf", "--Orders:SimulationProfile=instant", "--Orders:InitialStock:SKU-1=1000",
            "--OpenTelemetry:Metrics:Enabled=false", "--OTEL_BSP_SCHEDULE_DELAY=200");
        using var caller = new SpanCapture();
        var traceId = caller.TraceId.ToHexString();

        var request = GatewayServer.Order(mode: ResponseMode.Accepted, callback: receiver.Url.ToString());
        string firstProcess;
        await using (var first = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings))
        {
            Assert.Equal(traceId, (await first.Client.PlaceOrderAsync(request, caller.Headers)).Order.TraceId);
            var before = await Poll.UntilAsync(() => Task.FromResult(collector.Trace(traceId)),
                t => t.Any(s => s.Name == "process order") && t.Any(s => s.Name == "process webhook" && s.Status == ActivityStatusCode.Error),
                "the first process exported no failed webhook delivery in the order's trace");
            firstProcess = before.First(s => s.Name == "process order").ServiceInstance;
            await first.KillAsync();
        }

        receiver.FailNext(0);
        await using var second = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings);
        var delivered = await Poll.UntilAsync(() => Task.FromResult(receiver.Accepted.Where(r => r.OrderId == request.OrderId).ToList()),
            d => d.Count == 4, "the restarted process did not deliver the order's four webhooks", TimeSpan.FromSeconds(60));
        Assert.All(delivered, d => Assert.Equal(traceId, d.TraceParent.Split('-')[1]));

        // The new process's deliveries (each webhook whose first delivery failed is redelivered from there) are spans of
        // the original trace: a PRODUCER span under the order's persisted context, the work on it beneath and linked.
        var spans = await Poll.UntilAsync(() => Task.FromResult(collector.Trace(traceId)),
            t => t.Count(s => s.Name == "process webhook" && s.ServiceInstance != firstProcess && s.Status != ActivityStatusCode.Error) >= 4,
            "the restarted process exported no successful webhook deliveries in the order's trace");
        var resumed = spans.Where(s => s.ServiceInstance != firstProcess).ToList();
        Assert.Single(resumed.Select(s => s.ServiceInstance).Distinct());
        var sends = resumed.Where(s => s.Name == "send notify-webhook").ToList();
        Assert.NotEmpty(sends);
        Assert.All(sends, s => Assert.Equal(ActivityKind.Producer, s.Kind));
        var work = resumed.Where(s => s.Name == "process webhook" && s.Status != ActivityStatusCode.Error).ToList();
        Assert.All(work, w =>
        {
            var send = Assert.Single(sends, s => s.SpanId == w.ParentSpanId);
            Assert.Equal((traceId, send.SpanId), Assert.Single(w.Links));
        });
        // The first process's spans are there too: one trace, two processes.
        Assert.Contains(spans, s => s.ServiceInstance == firstProcess && s.Name == "process order");
    }
}
