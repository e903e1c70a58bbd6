using Orders.Actors.Providers;
using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Contracts.V1;
using Orders.Actors.Simulation;

namespace Orders.Bench.Scenarios;

/// <summary>
/// The chapter's claim: with payment 400, inventory 200, warehouse 300, email 800 and analytics 150 ms, a synchronous
/// checkout takes ~1.85 s and the hybrid one answers after the payment alone. Same orders, three modes, one run.
/// </summary>
public static class SeedLatencyScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var database = context.DatabasesFor(comparesDatabases: false).Single();
        await using var target = await context.TargetAsync(database, "seed");
        var rate = o.Pick(10.0, 20.0);
        var duration = TimeSpan.FromSeconds(o.Pick(2, 30));
        var result = new ScenarioResult("seed-latency",
            $"{target.Description}; open loop {rate:0}/s for {duration.TotalSeconds:0} s per mode; seed latencies (payment 400 ms)");
        await Phases.TimedAsync("seed-latency: warm-up", TimeSpan.FromSeconds(3), () => target.WarmUpAsync(o.Pick(20, 300), 8));
        await Task.Delay(TimeSpan.FromSeconds(o.Pick(1, 3)));

        var flow = new OrderFlow(target.Client, context.RunId + "-seed");
        var recorders = new Dictionary<ResponseMode, Recorder>();
        foreach (var mode in new[] { ResponseMode.Sync, ResponseMode.Hybrid, ResponseMode.Accepted })
        {
            var recorder = recorders[mode] = new Recorder();
            await Phases.TimedAsync($"seed-latency: {mode.ToString().ToUpperInvariant()}", duration,
                () => LoadShapes.OpenLoopAsync(rate, duration, n => flow.PlaceAsync(n, mode, TimeSpan.FromSeconds(30)), recorder));
        }
        var (finished, unfinished) = await Phases.CountedAsync("seed-latency: waiting for every order to finish",
            report => flow.WaitForAllAsync(TimeSpan.FromSeconds(120), (done, total) => report(done, total)));

        var payment = SimulationSettings.SeedDefault(ProviderKind.Payment).LatencyMs;
        var summaries = recorders.ToDictionary(r => r.Key, r => r.Value.Summary());
        foreach (var (mode, s) in summaries)
        {
            var name = mode.ToString().ToUpperInvariant();
            result.Add(new Figure($"{name} client latency p50", s.P50Ms, "ms"));
            result.Add(new Figure($"{name} client latency p95", s.P95Ms, "ms"));
            result.Add(mode switch
            {
                ResponseMode.Hybrid => Figure.AtMost($"{name} client latency p99", s.P99Ms, "ms", payment + 10),
                ResponseMode.Accepted => Figure.AtMost($"{name} client latency p99", s.P99Ms, "ms", 10),
                _ => new Figure($"{name} client latency p99", s.P99Ms, "ms"),
            });
            result.Add(new Figure($"{name} client latency max", s.MaxMs, "ms"));
            result.Add(new Figure($"{name} client errors", s.Errors, ""));
            var done = finished.Where(f => f.Mode == mode).Select(f => f.PlacedToFinished.TotalMilliseconds).Order().ToList();
            if (done.Count > 0) result.Add(new Figure($"{name} placed -> finished p50", done[done.Count / 2], "ms"));
        }
        var ratio = summaries[ResponseMode.Sync].MeanMs / summaries[ResponseMode.Hybrid].MeanMs;
        result.Add(Figure.AtLeast("SYNC mean / HYBRID mean", ratio, "x", 4.5));
        result.Add(new Figure("orders not finished within 120 s", unfinished, ""));

        result.Data["latency"] = summaries.ToDictionary(kv => kv.Key.ToString(), kv => (object)kv.Value);
        var distributions = recorders.ToDictionary(r => r.Key, r => r.Value.Distribution());
        result.Data["distribution"] = distributions.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.Select(d => new { percentile = d.Percentile, ms = d.Ms }).ToList());
        result.Charts.Add(Charts.Lines(context.ChartPath("seed-latency"), "Client latency by response mode (seed latencies)",
            "latency (ms)", "percentile of calls",
            distributions.Select(d => new Series(d.Key.ToString().ToUpperInvariant(), d.Value.Select(p => p.Ms).ToArray(), d.Value.Select(p => p.Percentile).ToArray()))));
        return result;
    }
}
