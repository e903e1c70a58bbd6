using System.Diagnostics;
using Orders.Contracts.V1;
using Orders.Bench.Telemetry;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>With an OTLP endpoint set, a node pushes its spans and its metrics to a collector, over gRPC or HTTP (and still serves /metrics).</summary>
public sealed class OtlpExportSpecs
{
    [Theory]
    [InlineData("grpc", OtlpReceiver.GrpcTraceExportPath)]
    [InlineData("http/protobuf", OtlpReceiver.HttpTraceExportPath)]
    public async Task A_node_exports_the_orders_spans_in_the_callers_trace(string protocol, string exportPath)
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: protocol == "grpc");
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings(protocol, "--OpenTelemetry:Metrics:Enabled=false"));
        using var trace = new SpanCapture();

        var order = GatewayServer.Order(mode: ResponseMode.Sync);
        var placed = await server.Client.PlaceOrderAsync(order, trace.Headers);
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        // The call continues the caller's trace; the order actor's processing of the command is a CONSUMER span under it.
        var spans = await trace.WaitForAsync(s => s.Any(x => x.Source.Name == "Microsoft.AspNetCore") && s.Any(x => x.DisplayName == "process order"),
            "the gRPC call and the order's processing made no spans in the caller's trace");
        var call = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(trace.CallerSpanId, call.ParentSpanId);
        var processing = Assert.Single(spans, s => s.Source.Name == "Orders" && s.DisplayName == "process order");
        Assert.Equal(call.SpanId, processing.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, processing.Kind);
        Assert.Equal(placed.Order.OrderId, processing.GetTagItem("order.id"));
        Assert.Equal("sync", processing.GetTagItem("order.mode"));
        Assert.Equal("PlaceOrder", processing.GetTagItem("order.command"));
        Assert.Equal("akka", processing.GetTagItem("messaging.system"));
        Assert.Equal("process", processing.GetTagItem("messaging.operation.type"));
        Assert.NotNull(processing.GetTagItem("messaging.message.conversation_id"));

        // And the exporter sent both to the collector, in that trace: decoded from the wire, the same spans, same ids.
        var exported = await Poll.UntilAsync(() => Task.FromResult(collector.Trace(trace.TraceId.ToHexString())),
            t => t.Any(x => x.Name == "process order") && t.Any(x => x.Scope == "Microsoft.AspNetCore"),
            $"no span export over {protocol} carried the order's span in the caller's trace ({collector.Exports.Count} exports received)");
        Assert.Contains(collector.Exports, e => e.Path == exportPath);
        var sent = Assert.Single(exported, x => x.Name == "process order");
        Assert.Equal((processing.SpanId.ToHexString(), call.SpanId.ToHexString(), ActivityKind.Consumer), (sent.SpanId, sent.ParentSpanId, sent.Kind));
        Assert.Equal(placed.Order.OrderId, sent["order.id"]);
        Assert.Equal("akka", sent["messaging.system"]);
        Assert.NotEqual("", sent.ServiceInstance);
    }

    [Theory]
    [InlineData("grpc", OtlpReceiver.GrpcExportPath)]
    [InlineData("http/protobuf", OtlpReceiver.HttpExportPath)]
    public async Task A_node_pushes_its_order_metrics_to_an_otlp_collector(string protocol, string exportPath)
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: protocol == "grpc");
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings(protocol, "--OTEL_METRIC_EXPORT_INTERVAL=500"));

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        await Poll.UntilAsync(() => Task.FromResult(collector.Received("orders.completed") && collector.Received("orders.client.duration")),
            received => received, $"no export over {protocol} carried the order metrics ({collector.Exports.Count} exports received)");
        Assert.Contains(collector.Exports, e => e.Path == exportPath);
        Assert.True(collector.Received("orders-gateway"), "the exports do not name the service (resource service.name)");
        Assert.True(collector.Received("http.server.request.duration"), "ASP.NET Core's own metrics are not exported");
    }
}
