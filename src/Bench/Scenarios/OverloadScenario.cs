using System.Diagnostics;
using Orders.Actors.Providers;
using Orders.Bench.Chaos;
using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Bench.Target;
using Orders.Contracts.V1;
using Orders.Actors.Simulation;

namespace Orders.Bench.Scenarios;

/// <summary>
/// A flood of concurrent clients against a node process with the seed's provider latencies: the node sheds what it
/// cannot take, latency of what it accepts stays bounded, and its memory (read from /proc) is bounded during the flood
/// and released after it.
/// </summary>
public static class OverloadScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var kind = context.DatabasesFor(comparesDatabases: false).Single();
        using var database = new BenchDatabase(kind, kind == DatabaseKind.PostgreSql ? context.Postgres() : null);
        var (clients, flood, rest) = (o.Callers?.FirstOrDefault() ?? o.Pick(200, 2000), o.Seconds ?? o.Pick(5, 30), o.Pick(5, 60));
        await using var world = await ChaosWorld.StartAsync(new Dictionary<string, long> { ["FLOOD-1"] = 1_000_000_000 }, 0);
        foreach (var provider in Enum.GetValues<ProviderKind>()) world.Providers.Configure(provider, SimulationSettings.SeedDefault(provider));
        await using var node = NodeProcess.Start(Path.Combine(Path.GetTempPath(), "orders-bench", context.RunId + "-flood"), NodeProcess.FreePorts(),
            [.. database.GatewaySettings, .. world.NodeSettings, "--Orders:SimulationProfile=instant", .. o.GatewaySettings]);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var result = new ScenarioResult("overload", $"node process on {database.Name}, seed provider latencies; {clients:N0} concurrent HYBRID clients for {flood} s, then {rest} s idle");
        var traffic = new ChaosTraffic(node.Client, context.RunId + "-flood", ["FLOOD-1"]);
        for (var i = 0; i < 20; i++) await traffic.PlaceOneAsync(ResponseMode.Hybrid);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idleBefore = node.ResidentBytes();

        var samples = new List<(double S, double Mb)>();
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                lock (samples) samples.Add((clock.Elapsed.TotalSeconds, node.ResidentBytes() / 1048576.0));
                try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var recorder = new Recorder();
        await Phases.TimedAsync($"overload: {clients:N0} clients", TimeSpan.FromSeconds(flood),
            () => LoadShapes.ClosedLoopAsync(clients, TimeSpan.FromSeconds(flood), async _ =>
            {
                var outcome = await traffic.PlaceOneAsync(ResponseMode.Hybrid);
                // A refused client waits before trying again, as Retry-After asks (a tenth of it: these clients are impatient).
                if (outcome == nameof(Grpc.Core.StatusCode.ResourceExhausted)) await Task.Delay(100);
                if (outcome != "OK") throw new Grpc.Core.RpcException(new Grpc.Core.Status(Enum.Parse<Grpc.Core.StatusCode>(outcome), outcome));
            }, recorder));
        var floodEnded = clock.Elapsed.TotalSeconds;
        await Phases.TimedAsync("overload: idle after the flood", TimeSpan.FromSeconds(rest), () => Task.Delay(TimeSpan.FromSeconds(rest)));
        await sampling.CancelAsync();
        await sampler;

        var summary = recorder.Summary();
        List<(double S, double Mb)> all;
        lock (samples) all = [.. samples];
        var peak = all.Where(s => s.S <= floodEnded + 1).Max(s => s.Mb);
        var settled = all.Last().Mb;
        result.Add(new Figure("RSS idle before the flood", Math.Round(idleBefore / 1048576.0), "MB"));
        result.Add(Figure.AtMostWhen(!o.Tiny, "RSS during the flood, peak", Math.Round(peak), "MB", 600));
        result.Add(Figure.AtMostWhen(!o.Tiny, $"RSS {rest} s after the flood", Math.Round(settled), "MB", 300));
        result.Add(new Figure("calls acknowledged", traffic.AcknowledgedCount, ""));
        foreach (var (error, count) in traffic.Errors) result.Add(new Figure($"calls failed: {error}", count, ""));
        result.Add(new Figure("client latency p50 (all calls)", Math.Round(summary.P50Ms), "ms"));
        result.Add(new Figure("client latency p99 (all calls)", Math.Round(summary.P99Ms), "ms"));
        result.Data["rss"] = all.Select(s => new { second = s.S, mb = s.Mb });
        result.Charts.Add(Charts.Lines(context.ChartPath("overload"), $"Overload: node memory during and after {clients:N0} concurrent clients",
            "seconds", "RSS (MB)", [new Series("node RSS (MB)", all.Select(s => s.S).ToArray(), all.Select(s => s.Mb).ToArray())],
            shaded: (0, floodEnded, "flood")));
        return result;
    }
}
