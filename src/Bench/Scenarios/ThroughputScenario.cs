using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Bench.Target;
using Orders.Contracts.V1;

namespace Orders.Bench.Scenarios;

public sealed record ThroughputLevel(
    string Database, int Concurrency, double AcceptedPerSecond, double CompletedPerSecond, double EventsPerSecond,
    double EventsPerOrder, double CpuMsPerOrder, double PeakRssMb, double AllocatedKbPerOrder, double GcPausePercent,
    int Gen2Collections, double P50Ms, double P99Ms, long Errors, int Unfinished);

/// <summary>
/// Peak throughput: zero-latency providers, closed-loop HYBRID orders at rising concurrency; accepted and completed
/// orders/s (every async step included), journal rows per order and per second, CPU per order, peak memory.
/// </summary>
public static class ThroughputScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var levels = o.Callers ?? o.Pick<int[]>([4, 16], [4, 16, 64, 128, 256]);
        var seconds = o.Seconds ?? o.Pick(2, 15);
        var results = new List<ScenarioResult>();
        var rows = new List<ThroughputLevel>();
        foreach (var database in context.DatabasesFor(comparesDatabases: true))
        {
            await using var target = await context.TargetAsync(database, "instant");
            var result = new ScenarioResult($"throughput ({(target.InProcess ? target.Database!.Name : "remote")})",
                $"{target.Description}; closed loop, HYBRID orders, {string.Join("/", levels)} callers for {seconds} s each; bench client in the same process");
            await Phases.TimedAsync($"throughput: warm-up on {database}", TimeSpan.FromSeconds(5), () => target.WarmUpAsync(o.Pick(200, 3000), 32));
            await Task.Delay(TimeSpan.FromSeconds(2));
            var mine = new List<ThroughputLevel>();
            using var stopScraping = new CancellationTokenSource();
            var scraping = MetricsScraper.RunAsync(target.Rest, TimeSpan.FromSeconds(5), stopScraping.Token);
            foreach (var callers in levels)
                mine.Add(await MeasureLevelAsync(context, target, callers, TimeSpan.FromSeconds(seconds)));
            await stopScraping.CancelAsync();
            var scraped = await scraping;
            rows.AddRange(mine);

            var best = mine.MaxBy(r => r.CompletedPerSecond)!;
            var goal = database == DatabaseKind.PostgreSql ? 3000 : 1000;
            result.Add(Figure.AtLeast($"completed orders/s (best, at {best.Concurrency} callers)", best.CompletedPerSecond, "orders/s", goal));
            result.Add(new Figure("accepted orders/s at that level", best.AcceptedPerSecond, "orders/s"));
            result.Add(new Figure("HYBRID p99 at that level", best.P99Ms, "ms"));
            result.Add(new Figure("journal rows per order", best.EventsPerOrder, "rows"));
            result.Add(new Figure("journal rows/s", best.EventsPerSecond, "rows/s"));
            result.Add(new Figure("CPU per completed order (whole process)", best.CpuMsPerOrder, "ms"));
            result.Add(new Figure("peak RSS (whole process)", best.PeakRssMb, "MB"));
            result.Add(new Figure("allocated per completed order (whole process)", best.AllocatedKbPerOrder, "KB"));
            result.Add(new Figure("time paused for GC", best.GcPausePercent, "%"));
            if (context.Collector is { } collector)
            {
                var (exports, bytes) = collector.SpanTraffic;
                result.Notes.Add($"OTLP to the bench's receiver (warm-up included): {exports:N0} span exports, {bytes / 1048576.0:N1} MB");
            }
            result.Notes.Add(scraped.Served
                ? $"metrics on: /metrics scraped every 5 s during the levels ({scraped.Scrapes} scrapes, {scraped.LastBytes / 1024.0:N0} KB the last)"
                : "metrics off (OpenTelemetry:Metrics:Enabled=false)");
            if (target.Database is { } db)
            {
                var limit = await LimitScenario.MeasureAsync(db, TimeSpan.FromSeconds(o.Pick(2, 10)));
                result.Add(new Figure("raw journal insert limit (same database)", limit.EventsPerSecond, "events/s"));
                result.Add(Figure.AtLeast("completed rate / (limit / rows per order)", best.CompletedPerSecond / (limit.EventsPerSecond / best.EventsPerOrder), "", 0.5));
                result.Data["limit"] = limit;
            }
            result.Data["levels"] = mine;
            results.Add(result);
        }

        var chart = Charts.Lines(context.ChartPath("throughput"), "Throughput and p99 latency vs concurrency (instant providers)",
            "concurrent callers", "completed orders/s",
            rows.GroupBy(r => r.Database).SelectMany(g => new[]
            {
                new Series($"{g.Key} completed/s", g.Select(r => (double)r.Concurrency).ToArray(), g.Select(r => r.CompletedPerSecond).ToArray()),
                new Series($"{g.Key} HYBRID p99 (ms, right)", g.Select(r => (double)r.Concurrency).ToArray(), g.Select(r => r.P99Ms).ToArray(), RightAxis: true),
            }), rightLabel: "p99 client latency (ms)", markers: true);
        foreach (var r in results) r.Charts.Add(chart);
        return results;
    }

    private static async Task<ThroughputLevel> MeasureLevelAsync(BenchContext context, BenchTarget target, int callers, TimeSpan duration)
    {
        var flow = new OrderFlow(target.Client, $"{context.RunId}-tp{callers}-{Guid.NewGuid():N}"[..24]);
        var recorder = new Recorder();
        var rowsBefore = target.Database?.JournalRows() ?? 0;
        var before = BenchTarget.Sample();
        var started = DateTimeOffset.UtcNow;
        await Phases.TimedAsync($"throughput: {callers} callers", duration,
            () => LoadShapes.ClosedLoopAsync(callers, duration, n => flow.PlaceAsync(n, ResponseMode.Hybrid, TimeSpan.FromSeconds(30)), recorder));
        var (finished, unfinished) = await Phases.CountedAsync($"throughput: {callers} callers, waiting for completion",
            report => flow.WaitForAllAsync(TimeSpan.FromSeconds(120), (done, total) => report(done, total)));
        var after = BenchTarget.Sample();
        var rows = (target.Database?.JournalRows() ?? 0) - rowsBefore;
        var completed = finished.Count(f => f.Status == OrderStatus.Completed);
        var span = finished.Count == 0 ? duration : finished.Max(f => f.FinishedAt) - started;
        var summary = recorder.Summary();
        return new ThroughputLevel(target.Database?.Name ?? "remote", callers,
            summary.Count / duration.TotalSeconds,
            completed / span.TotalSeconds,
            rows / span.TotalSeconds,
            completed == 0 ? 0 : rows / (double)completed,
            completed == 0 ? 0 : (after.Cpu - before.Cpu).TotalMilliseconds / completed,
            after.PeakRssBytes / 1048576.0,
            completed == 0 ? 0 : (after.AllocatedBytes - before.AllocatedBytes) / 1024.0 / completed,
            100 * (after.GcPause - before.GcPause) / (after.Timestamp - before.Timestamp),
            after.Gen2Collections - before.Gen2Collections,
            summary.P50Ms, summary.P99Ms, summary.Errors, unfinished);
    }
}
