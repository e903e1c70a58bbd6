using System.Diagnostics;
using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Contracts.V1;
using Orders.Bench.Telemetry;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>The spans of one order, in the trace of the call that placed it (issue 28, in one process).</summary>
public sealed class TracingSpecs
{
    [Fact]
    public async Task Each_payment_attempt_is_a_client_span_with_its_number_and_the_backoff_waited_before_it()
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false"));
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

    [Fact]
    public async Task Each_step_delivery_is_a_producer_span_and_the_services_work_a_consumer_span_beneath_it_redeliveries_included()
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false"));
        using var trace = new SpanCapture();
        server.Providers.Simulations[ProviderKind.Email].FailNextCalls(1);

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid), trace.Headers);
        Assert.Equal(OrderStatus.Completed, (await server.WaitForTerminalAsync(placed.Order.OrderId)).Status);

        var spans = await trace.WaitForAsync(s => s.Count(x => x.DisplayName == "process email") >= 2 && s.Any(x => x.DisplayName == "process warehouse")
                && s.Count(x => x.DisplayName == "INSERT journal") >= 5,
            "the steps' deliveries never made their spans");
        var call = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        var sends = spans.Where(s => s.Kind == ActivityKind.Producer).ToList();
        Assert.All(sends, send =>
        {
            Assert.Equal(call.SpanId, send.ParentSpanId); // under the order's own context: the call that placed it
            Assert.Equal(placed.Order.OrderId, send.GetTagItem("order.id"));
        });
        // Every delivery performed (by a supervised service, or the SKU's inventory entity) is a CONSUMER span under the
        // delivery that sent it and linked to it, named by the step's dedupe key as its message id.
        var consumers = spans.Where(s => s.Kind == ActivityKind.Consumer && s.DisplayName is not ("process order" or "process payment")).ToList();
        Assert.All(consumers, c =>
        {
            var send = Assert.Single(sends, send => send.SpanId == c.ParentSpanId);
            Assert.Equal(send.SpanId, Assert.Single(c.Links).Context.SpanId);
            Assert.Equal(send.GetTagItem("messaging.message.id"), c.GetTagItem("messaging.message.id"));
            Assert.Equal(send.GetTagItem("order.step"), c.GetTagItem("order.step"));
            Assert.Equal(send.GetTagItem("order.step.attempt"), c.GetTagItem("order.step.attempt"));
        });
        Assert.Equal("send reserve-stock", sends.Single(s => s.SpanId == Assert.Single(consumers, c => c.DisplayName == "process inventory").ParentSpanId).DisplayName);
        // The payment service's work is under the synchronous ask's attempt, as a step's is under its delivery.
        Assert.Equal(Assert.Single(spans, s => s.DisplayName == "send payment").SpanId, Assert.Single(spans, s => s.DisplayName == "process payment").ParentSpanId);
        Assert.Contains(sends, s => s.DisplayName == "send reserve-stock");
        Assert.Contains(sends, s => s.DisplayName == "send create-shipment");

        // Every journal batch that wrote the order's events is a CLIENT span with its size, under the work that wrote
        // them (the first under the command's processing, the later ones under the order's own context) and linked to it.
        var batches = spans.Where(s => s.DisplayName == "INSERT journal").ToList();
        Assert.Contains(batches, b => b.ParentSpanId == Assert.Single(spans, s => s.DisplayName == "process order").SpanId);
        Assert.Contains(batches, b => b.ParentSpanId == call.SpanId);
        Assert.All(batches, b =>
        {
            Assert.Equal(ActivityKind.Client, b.Kind);
            Assert.Equal("sqlite", b.GetTagItem("db.system.name"));
            Assert.True((int)b.GetTagItem("db.operation.batch.size")! >= 1);
            Assert.Contains(b.Links, l => l.Context.SpanId == b.ParentSpanId);
        });

        // The confirmation failed once and was redelivered: two deliveries, attempts 1 and 2, the first one's work in error.
        var confirmations = sends.Where(s => s.DisplayName == "send send-confirmation").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([1, 2], confirmations.Select(s => (int)s.GetTagItem("order.step.attempt")!));
        var emails = consumers.Where(c => c.DisplayName == "process email").OrderBy(c => c.StartTimeUtc).ToList();
        Assert.Equal(confirmations.Select(s => s.SpanId), emails.Select(e => e.ParentSpanId));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], emails.Select(e => e.Status));
        Assert.Equal([1, 2], emails.Select(e => (int)e.GetTagItem("order.step.attempt")!)); // each redelivery's work knows which it is
    }

    [Fact]
    public async Task A_webhook_carries_its_own_http_spans_traceparent_and_a_parked_step_ends_in_an_error_span_naming_the_reason()
    {
        await using var receiver = await WebhookReceiver.StartAsync("test-secret");
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false"));
        using var trace = new SpanCapture();
        receiver.Refuse(410);

        var request = GatewayServer.Order(mode: ResponseMode.Accepted, callback: receiver.Url.ToString());
        await server.Client.PlaceOrderAsync(request, trace.Headers);
        var spans = await trace.WaitForAsync(s => s.Any(x => x.DisplayName == "park notify-webhook"), "the refused webhook never made a park span");

        var park = Assert.Single(spans, s => s.DisplayName == "park notify-webhook");
        Assert.Equal(ActivityStatusCode.Error, park.Status);
        Assert.Equal("refused: callback answered 410", park.StatusDescription);
        Assert.Equal("notify-webhook:payment_pending", park.GetTagItem("order.step"));

        // The refused delivery: its work in error, and under it HttpClient's span, whose traceparent the receiver got.
        var work = Assert.Single(spans, s => s.DisplayName == "process webhook");
        Assert.Equal(ActivityStatusCode.Error, work.Status);
        var post = Assert.Single(spans, s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == work.SpanId);
        var received = Assert.Single(receiver.All);
        Assert.Equal(post.Id, received.TraceParent);
    }

    [Fact]
    public async Task On_postgresql_the_drivers_span_of_each_journal_write_is_beneath_its_batch_and_unparented_queries_are_not_exported()
    {
        using var database = new TestDatabase(PersistenceProvider.PostgreSql);
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false",
            "--OTEL_BSP_SCHEDULE_DELAY=200", "--Orders:Persistence:Provider=PostgreSql", $"--Orders:Persistence:ConnectionString={database.Options().ConnectionString}"));
        using var trace = new SpanCapture();

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync), trace.Headers);
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        var spans = await trace.WaitForAsync(s => s.Any(x => x.Source.Name == "Npgsql"), "no Npgsql span in the order's trace");
        var batches = spans.Where(s => s.DisplayName == "INSERT journal").ToList();
        Assert.All(batches, b => Assert.Equal("postgresql", b.GetTagItem("db.system.name")));
        Assert.All(spans.Where(s => s.Source.Name == "Npgsql"), d => Assert.Contains(batches, b => b.SpanId == d.ParentSpanId));

        // The node polls PostgreSQL all the time (order index, analytics, step issues): none of that is exported.
        var exported = await Poll.UntilAsync(() => Task.FromResult(collector.Spans), s => s.Any(x => x.Scope == "Npgsql" && x.TraceId == trace.TraceId.ToHexString()),
            "the journal writes' Npgsql spans were not exported");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(collector.Spans.Where(s => s.Scope == "Npgsql"), s => Assert.NotEqual("", s.ParentSpanId));
    }

    [Fact]
    public async Task A_cancellation_is_processed_under_its_own_call_and_its_compensation_steps_are_deliveries_in_the_orders_trace()
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        await using var server = await GatewayServer.StartAsync(null, null, collector.NodeSettings("http/protobuf", "--OpenTelemetry:Metrics:Enabled=false"));
        using var order = new SpanCapture();
        using var slowShipment = server.Providers.Slow(ProviderKind.Warehouse, TimeSpan.FromSeconds(3)); // keeps the order cancellable

        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid), order.Headers);
        using var cancelCall = new SpanCapture();
        var cancelled = await server.Client.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.Order.OrderId, Reason = "changed my mind" }, cancelCall.Headers);
        Assert.Equal(OrderStatus.Cancelled, (await server.WaitForTerminalAsync(placed.Order.OrderId)).Status);

        // The cancel call's trace: its processing by the order actor, under that call.
        var cancelSpans = await cancelCall.WaitForAsync(s => s.Any(x => x.DisplayName == "process order"), "the cancellation's processing made no span");
        var processing = Assert.Single(cancelSpans, s => s.DisplayName == "process order");
        Assert.Equal("CancelOrder", processing.GetTagItem("order.command"));
        Assert.Equal(Assert.Single(cancelSpans, s => s.Source.Name == "Microsoft.AspNetCore").SpanId, processing.ParentSpanId);

        // The compensation is the order's work: its steps are deliveries in the order's own trace, each performed beneath.
        var spans = await order.WaitForAsync(s => s.Any(x => x.DisplayName == "process payment" && x.GetTagItem("order.step") is "refund-payment")
                && s.Any(x => x.DisplayName == "process inventory" && (x.GetTagItem("order.step") as string)?.StartsWith("release-stock") == true),
            "the compensation steps made no spans in the order's trace");
        var call = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        foreach (var step in new[] { "send release-stock", "send refund-payment" })
        {
            var send = Assert.Single(spans, s => s.DisplayName == step);
            Assert.Equal((ActivityKind.Producer, call.SpanId), (send.Kind, send.ParentSpanId));
            Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == send.SpanId);
        }
    }
}
