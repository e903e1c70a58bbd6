using Orders.Actors.Providers;
using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Contracts.V1;
using Orders.Actors.Simulation;

namespace Orders.Bench.Scenarios;

/// <summary>
/// The chapter's second claim: when email is a fire-and-forget step, an email outage no longer breaks checkouts.
/// Steady HYBRID load; the email provider refuses every call for a window in the middle; emails catch up afterwards.
/// </summary>
public static class EmailOutageScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var database = context.DatabasesFor(comparesDatabases: false).Single();
        await using var target = await context.TargetAsync(database, "seed");
        var (before, outage, after) = (o.Pick(3, 30), o.Pick(3, 30), o.Pick(3, 30));
        var rate = o.Pick(10.0, 20.0);
        var total = TimeSpan.FromSeconds(before + outage + after);
        var result = new ScenarioResult("email-outage",
            $"{target.Description}; open loop {rate:0} HYBRID orders/s for {total.TotalSeconds:0} s; email down from {before} s to {before + outage} s");
        await Phases.TimedAsync("email-outage: warm-up", TimeSpan.FromSeconds(3), () => target.WarmUpAsync(o.Pick(20, 300), 8));
        await Task.Delay(TimeSpan.FromSeconds(o.Pick(1, 3)));

        var flow = new OrderFlow(target.Client, context.RunId + "-mail");
        var start = DateTimeOffset.UtcNow;
        var outageFrom = start.AddSeconds(before);
        var outageUntil = outageFrom.AddSeconds(outage);
        await target.SimulateAsync(ProviderKind.Email, SimulationSettings.SeedDefault(ProviderKind.Email).WithOutage(outageFrom, TimeSpan.FromSeconds(outage)));
        var recorder = new Recorder();
        await Phases.TimedAsync("email-outage: steady load", total,
            () => LoadShapes.OpenLoopAsync(rate, total, n => flow.PlaceAsync(n, ResponseMode.Hybrid, TimeSpan.FromSeconds(30)), recorder));
        var (finished, unfinished) = await Phases.CountedAsync("email-outage: waiting until every email is sent",
            report => flow.WaitForAllAsync(TimeSpan.FromSeconds(o.Pick(60, 300)), (done, all) => report(done, all)));

        var (pre, during, post) = (recorder.Window(1, before), recorder.Window(before, before + outage), recorder.Window(before + outage, before + outage + after));
        result.Add(Figure.AtMost("client errors", recorder.Summary().Errors, "", 0));
        result.Add(new Figure("HYBRID p99 before the outage", pre.P99Ms, "ms"));
        result.Add(Figure.AtMost("HYBRID p99 during the outage", during.P99Ms, "ms", Math.Round(pre.P99Ms * 1.10, 1)));
        result.Add(new Figure("HYBRID p99 after the outage", post.P99Ms, "ms"));
        var completed = finished.Where(f => f.Status == OrderStatus.Completed).ToList();
        result.Add(new Figure("orders completed (email sent)", completed.Count, $"of {flow.Placed.Count}"));
        result.Add(new Figure("orders not finished in time", unfinished, ""));
        // The emails held back are those of orders placed before the outage ended; orders placed after it never waited.
        var placedAt = flow.Placed.ToDictionary(p => p.OrderId, p => p.SentAt);
        var heldBack = completed.Where(f => placedAt[f.OrderId] < outageUntil && f.FinishedAt >= outageFrom).ToList();
        result.Add(new Figure("orders whose email waited for the provider", heldBack.Count, ""));
        if (heldBack.Count > 0)
            result.Add(Figure.AtMost("last waiting email sent, after the outage ended", Math.Round((heldBack.Max(f => f.FinishedAt) - outageUntil).TotalSeconds, 2), "s", 5));

        var timeline = recorder.Timeline();
        var finishedPerSecond = completed.GroupBy(f => (int)(f.FinishedAt - start).TotalSeconds).ToDictionary(g => g.Key, g => g.Count());
        var lastSecond = Math.Max(timeline.Count, finishedPerSecond.Keys.DefaultIfEmpty(0).Max() + 1);
        result.Data["timeline"] = timeline;
        result.Data["windows"] = new { before = pre, during, after = post };
        result.Charts.Add(Charts.Lines(context.ChartPath("email-outage"), "Email outage: checkout latency and completed orders per second",
            "seconds into the run", "HYBRID client latency (ms)",
            [
                new Series("HYBRID p99 (ms)", timeline.Select(t => (double)t.Second).ToArray(), timeline.Select(t => t.P99Ms).ToArray()),
                new Series("HYBRID p50 (ms)", timeline.Select(t => (double)t.Second).ToArray(), timeline.Select(t => t.P50Ms).ToArray()),
                new Series("client errors/s (right)", timeline.Select(t => (double)t.Second).ToArray(), timeline.Select(t => (double)t.Errors).ToArray(), RightAxis: true),
                new Series("orders completed/s (right)", Enumerable.Range(0, lastSecond).Select(s => (double)s).ToArray(),
                    Enumerable.Range(0, lastSecond).Select(s => (double)finishedPerSecond.GetValueOrDefault(s)).ToArray(), RightAxis: true),
            ],
            rightLabel: "per second", shaded: (before, before + outage, "email provider down")));
        return result;
    }
}
