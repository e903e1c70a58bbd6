using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>With an OTLP endpoint set, a node pushes its metrics to a collector, over gRPC or HTTP, as well as serving /metrics.</summary>
public sealed class OtlpExportSpecs
{
    [Theory]
    [InlineData("grpc", OtlpReceiver.GrpcExportPath)]
    [InlineData("http/protobuf", OtlpReceiver.HttpExportPath)]
    public async Task A_node_pushes_its_order_metrics_to_an_otlp_collector(string protocol, string exportPath)
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: protocol == "grpc");
        await using var server = await GatewayServer.StartAsync(null, null,
            $"--OpenTelemetry:Otlp:Endpoint={collector.BaseAddress}", $"--OpenTelemetry:Otlp:Protocol={protocol}", "--OTEL_METRIC_EXPORT_INTERVAL=500");

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        await Poll.UntilAsync(() => Task.FromResult(collector.Received("orders.completed") && collector.Received("orders.client.duration")),
            received => received, $"no export over {protocol} carried the order metrics ({collector.Exports.Count} exports received)");
        Assert.All(collector.Exports, e => Assert.Equal(exportPath, e.Path));
        Assert.True(collector.Received("orders-gateway"), "the exports do not name the service (resource service.name)");
        Assert.True(collector.Received("http.server.request.duration"), "ASP.NET Core's own metrics are not exported");
    }
}
