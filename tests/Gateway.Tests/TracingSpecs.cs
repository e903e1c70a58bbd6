using System.Diagnostics;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>The spans of one order, in the trace of the call that placed it (issue 28, in one process).</summary>
public sealed class TracingSpecs
{
    [Fact]
    public async Task Each_payment_attempt_is_a_client_span_with_its_number_and_the_backoff_waited_before_it()
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null,
            $"--OpenTelemetry:Otlp:Endpoint={collector.BaseAddress}", "--OpenTelemetry:Otlp:Protocol=http/protobuf", "--OpenTelemetry:Metrics:Enabled=false");
        using var trace = new SpanCapture();
        server.Providers.Simulations[ProviderKind.Payment].FailNextCalls(2);

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync), trace.Headers);
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        var spans = await trace.WaitForAsync(s => s.Count(x => x.DisplayName == "send payment") >= 3, "three payment attempts never made three spans");
        var processing = Assert.Single(spans, s => s.DisplayName == "process order");
        var attempts = spans.Where(s => s.DisplayName == "send payment").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => (int)a.GetTagItem("order.payment.attempt")!));
        Assert.All(attempts, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal("payment", a.GetTagItem("messaging.destination.name"));
            Assert.Equal(placed.Order.OrderId, a.GetTagItem("order.id"));
            // Under the call that placed the order (the order's own context), as the processing span is.
            Assert.Equal(processing.ParentSpanId, a.ParentSpanId);
        });
        Assert.Equal(0L, attempts[0].GetTagItem("order.payment.backoff_ms"));
        Assert.All(attempts.Skip(1), a => Assert.True((long)a.GetTagItem("order.payment.backoff_ms")! > 0, "a retry waited no backoff"));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.Select(a => a.Status));
        Assert.Equal("PaymentApproved", attempts[2].GetTagItem("order.payment.outcome"));
    }
}
