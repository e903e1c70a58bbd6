using System.Diagnostics;
using Grpc.Core;
using Orders.Actors.Providers;
using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Contracts.V1;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Actors.Simulation;

namespace Orders.Bench.Scenarios;

/// <summary>
/// The operator's bulk replay (`orders steps replay --all`): an email outage parks the confirmation of every order
/// placed; once the provider is back, one admin call puts them all back into delivery. Measures the call and the
/// time until every order is completed. Instant providers, so the figures are the order system's, not the simulation's.
/// </summary>
public static class ParkedReplayScenario
{
    private static readonly string[] ParkQuickly =
    [
        "--Orders:Order:StepAttempts=2", "--Orders:Order:StepBackoffMin=00:00:00.050", "--Orders:Order:StepBackoffMax=00:00:00.200",
        "--Orders:Supervision:MinBackoff=00:00:00.200", "--Orders:Supervision:MaxBackoff=00:00:01",
    ];

    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var database = context.DatabasesFor(comparesDatabases: false).Single();
        await using var target = await context.TargetAsync(database, "instant", ParkQuickly);
        var orders = o.Pick(50, 1000);
        var result = new ScenarioResult("parked-replay",
            $"{target.Description}; email down while {orders} ACCEPTED orders are placed (2 attempts per step), then `steps replay --all`");
        await Phases.TimedAsync("parked-replay: warm-up", TimeSpan.FromSeconds(2), () => target.WarmUpAsync(20, 8));

        await target.SimulateAsync(ProviderKind.Email, SimulationSettings.Instant.WithOutage(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var flow = new OrderFlow(target.Client, context.RunId + "-park");
        var next = 0;
        await Phases.CountedAsync($"parked-replay: placing {orders} orders", async report =>
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) <= orders)
                {
                    await flow.PlaceAsync(n, ResponseMode.Accepted, TimeSpan.FromSeconds(30));
                    report(flow.Placed.Count, orders);
                }
            }));
            return flow.Placed.Count;
        });
        var parking = Stopwatch.StartNew();
        var parked = await Phases.CountedAsync("parked-replay: waiting until every confirmation is parked",
            report => WaitForParkedAsync(target, orders, TimeSpan.FromSeconds(o.Pick(60, 300)), report));
        result.Add(Figure.AtLeast("confirmations parked", parked, $"of {orders}", orders));
        result.Add(new Figure("parked within", Math.Round(parking.Elapsed.TotalSeconds, 1), "s after the last order was placed"));

        await target.SimulateAsync(ProviderKind.Email, SimulationSettings.Instant);
        var replayStarted = DateTimeOffset.UtcNow;
        var replay = Stopwatch.StartNew();
        AdminV1.ReplayProgress last = new();
        await Phases.CountedAsync("parked-replay: steps replay --all", async report =>
        {
            using var call = target.Admin.ReplaySteps(new AdminV1.ReplayStepsRequest { All = true }, deadline: DateTime.UtcNow.AddMinutes(10));
            await foreach (var progress in call.ResponseStream.ReadAllAsync())
            {
                last = progress;
                report(progress.Done + progress.Failed, progress.Total);
            }
            return last;
        });
        var replayCall = replay.Elapsed;
        result.Add(new Figure("orders replayed", last.Done, $"of {last.Total} ({last.Failed} failed)"));
        result.Add(new Figure("steps replay --all took", Math.Round(replayCall.TotalSeconds, 2), "s"));
        result.Add(new Figure("replay rate", Math.Round(last.Done / replayCall.TotalSeconds), "orders/s"));

        var (finished, unfinished) = await Phases.CountedAsync("parked-replay: waiting until every order is completed",
            report => flow.WaitForAllAsync(TimeSpan.FromSeconds(o.Pick(60, 300)), (done, all) => report(done, all)));
        var completed = finished.Where(f => f.Status == OrderStatus.Completed).ToList();
        result.Add(Figure.AtLeast("orders completed after the replay", completed.Count, $"of {orders}", orders));
        result.Add(new Figure("orders not finished in time", unfinished, ""));
        if (completed.Count > 0)
            result.Add(new Figure("replay started -> last order completed", Math.Round((completed.Max(f => f.FinishedAt) - replayStarted).TotalSeconds, 2), "s"));
        result.Data["replay"] = new { last.Total, last.Done, last.Failed, seconds = replayCall.TotalSeconds, errors = last.Errors.ToList() };
        return result;
    }

    private static async Task<int> WaitForParkedAsync(Target.BenchTarget target, int expected, TimeSpan within, Action<double, double> report)
    {
        var deadline = DateTime.UtcNow + within;
        var parked = 0;
        while (DateTime.UtcNow < deadline)
        {
            var issues = await target.Admin.ListStepIssuesAsync(new AdminV1.ListStepIssuesRequest { Status = "parked", Limit = 1 }, deadline: DateTime.UtcNow.AddSeconds(10));
            parked = issues.Groups.Where(g => g.Kind == "send-confirmation").Sum(g => g.Count);
            report(parked, expected);
            if (parked >= expected) break;
            await Task.Delay(250);
        }
        return parked;
    }
}
