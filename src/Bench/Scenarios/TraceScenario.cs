using System.Diagnostics;
using Orders.Bench.Report;
using Orders.Bench.Telemetry;
using Orders.Contracts.V1;

namespace Orders.Bench.Scenarios;

/// <summary>
/// One order's trace as a collector receives it: a node with the seed's latencies exports its spans over OTLP to a
/// receiver in this process; the HYBRID order's spans are printed as a tree and drawn as a waterfall.
/// </summary>
public static class TraceScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        if (context.Options.Target is not null)
            throw new ArgumentException("the trace scenario starts its own node (it points the node's OTLP exporter at its receiver): leave out --target");
        await using var collector = await OtlpReceiver.StartAsync(grpc: false);
        var database = context.DatabasesFor(comparesDatabases: false).Single();
        await using var target = await context.TargetAsync(database, "seed",
            // A roomy export queue: a tracer provider hears every span made in its process, and in the test suite other
            // nodes share this one; the default queue (2,048) drops spans when it fills.
            collector.NodeSettings("http/protobuf", "--OTEL_BSP_SCHEDULE_DELAY=200", "--OTEL_BSP_MAX_QUEUE_SIZE=200000", "--OpenTelemetry:Metrics:Enabled=false"));
        var result = new ScenarioResult("trace", $"{target.Description}; one HYBRID order, spans exported over OTLP/HTTP to a receiver in the bench");

        // A first order warms the node up (JIT, connections), so the drawn one shows the system, not its start.
        var flow = new Load.OrderFlow(target.Client, context.RunId + "-trace");
        await flow.PlaceAsync(0, ResponseMode.Sync, TimeSpan.FromSeconds(30));
        var placed = await target.Client.PlaceOrderAsync(Load.OrderFlow.Request($"{context.RunId}-traced", ResponseMode.Hybrid));
        var order = placed.Order;
        var spans = await Phases.CountedAsync("trace: waiting for the order to finish and its spans to arrive", report => SettledTraceAsync(target, collector, order.OrderId, order.TraceId, report));

        var tree = SpanTree.Lines(spans);
        result.Notes.Add($"order {order.OrderId}, trace {order.TraceId}: {spans.Count} spans");
        result.Notes.AddRange(tree);
        var start = spans.Min(s => s.Start);
        result.Add(new Figure("spans in the order's trace", spans.Count, ""));
        result.Add(new Figure("trace length (first span start -> last span end)", (spans.Max(s => s.End) - start).TotalMilliseconds, "ms"));
        result.Add(new Figure("HYBRID call (server span)", spans.Where(s => s.Kind == ActivityKind.Server).Max(s => s.Duration.TotalMilliseconds), "ms"));
        result.Add(new Figure("step deliveries (PRODUCER spans)", spans.Count(s => s.Kind == ActivityKind.Producer), ""));
        result.Data["spans"] = spans.Select(s => new
        {
            name = s.Name, kind = s.Kind.ToString(), span_id = s.SpanId, parent_span_id = s.ParentSpanId, start_ms = (s.Start - start).TotalMilliseconds,
            duration_ms = s.Duration.TotalMilliseconds, status = s.Status.ToString(), status_message = s.StatusMessage, attributes = s.Attributes,
        }).ToList();
        result.Charts.Add(Charts.Waterfall(context.ChartPath("trace-waterfall"), $"One HYBRID order's trace ({spans.Count} spans, seed latencies)",
            SpanTree.Ordered(spans).Select(x => new WaterfallRow(string.Concat(Enumerable.Repeat("· ", x.Depth)) + x.Span.Name, (x.Span.Start - start).TotalMilliseconds,
                (x.Span.End - start).TotalMilliseconds, x.Span.Kind.ToString(), x.Span.Status == ActivityStatusCode.Error)).ToList()));
        return result;
    }

    /// <summary>
    /// The order's spans once it is terminal: every span ended by then (the last is its final journal write), flushed
    /// out of the node's exporter, and received. Waiting for a quiet spell instead missed spans on a busy machine.
    /// </summary>
    private static async Task<IReadOnlyList<CollectedSpan>> SettledTraceAsync(Target.BenchTarget target, OtlpReceiver collector, string orderId, string traceId,
        Action<double, double> report)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await target.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId })).Status is not (OrderStatus.Completed or OrderStatus.Cancelled))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"order {orderId} did not finish within 60 s");
            await Task.Delay(100);
        }
        report(1, 2);
        if (!target.FlushSpans()) throw new InvalidOperationException($"the node's spans of trace {traceId} could not be flushed to the receiver within 10 s");
        report(2, 2);
        var spans = collector.Trace(traceId);
        return spans.Count > 0 ? spans : throw new InvalidOperationException($"no span of order {orderId}'s trace {traceId} reached the receiver");
    }
}

/// <summary>A trace's spans in tree order (each under its parent, siblings by start), as a trace UI lists them.</summary>
public static class SpanTree
{
    public static IEnumerable<(CollectedSpan Span, int Depth)> Ordered(IReadOnlyList<CollectedSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.ToLookup(s => ids.Contains(s.ParentSpanId) ? s.ParentSpanId : "");
        IEnumerable<(CollectedSpan, int)> Walk(string parent, int depth) =>
            children[parent].OrderBy(s => s.Start).SelectMany(s => Walk(s.SpanId, depth + 1).Prepend((s, depth)));
        return Walk("", 0);
    }

    public static IReadOnlyList<string> Lines(IReadOnlyList<CollectedSpan> spans)
    {
        var start = spans.Min(s => s.Start);
        return Ordered(spans).Select(x =>
            $"{new string(' ', 2 * x.Depth)}{x.Span.Name} [{x.Span.Kind.ToString().ToLowerInvariant()}] +{(x.Span.Start - start).TotalMilliseconds:0} ms, {x.Span.Duration.TotalMilliseconds:0.0} ms"
            + (x.Span.Status == ActivityStatusCode.Error ? $", error: {x.Span.StatusMessage}" : "")).ToList();
    }
}
