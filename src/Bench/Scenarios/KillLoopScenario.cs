using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Orders.Actors.Providers;
using Orders.Bench.Chaos;
using Orders.Bench.Load;
using Orders.Bench.Report;
using Orders.Bench.Target;
using Orders.Contracts.V1;
using Orders.Actors.Simulation;

namespace Orders.Bench.Scenarios;

/// <summary>
/// A node killed with SIGKILL again and again under mixed-mode load, on small SKUs so that stock runs out and
/// compensation runs; then the invariants. First, the restart of a node with a long history: how soon it serves.
/// </summary>
public static class KillLoopScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var kind = context.DatabasesFor(comparesDatabases: false).Single();
        using var database = new BenchDatabase(kind, kind == DatabaseKind.PostgreSql ? context.Postgres() : null);
        var skus = Enumerable.Range(0, o.Pick(3, 4)).ToDictionary(i => $"CHAOS-{(char)('A' + i)}", _ => (long)o.Pick(150, 1500));
        await using var world = await ChaosWorld.StartAsync(new Dictionary<string, long>(skus) { [OrderFlow.Sku] = 1_000_000_000 }, 5);
        var (kills, history, callers) = (o.Pick(3, 20), o.Pick(500, 100_000), o.Pick(8, 32));
        // Sequential SYNC orders at the seed's latencies take ~1.7 s each; a tiny run samples fewer (it judges no speed).
        var samples = o.Pick(3, 10);
        var result = new ScenarioResult("kill-loop",
            $"node process on {database.Name}; {history:N0} historical orders, then {kills} SIGKILLs under {callers} closed-loop callers (ACCEPTED/HYBRID/SYNC) on {skus.Count} SKUs of {skus.First().Value} units");
        var ports = NodeProcess.FreePorts();
        var directory = Path.Combine(Path.GetTempPath(), "orders-bench", context.RunId + "-kill");
        string[] settings = [.. database.GatewaySettings, .. world.NodeSettings, "--Orders:SimulationProfile=instant", .. o.GatewaySettings];
        NodeProcess Start() => NodeProcess.Start(directory, ports, settings);

        // ---- a node with history, killed and restarted: how soon does it serve at its normal speed? ----
        var node = Start();
        await node.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var flow = new OrderFlow(node.Client, context.RunId + "-hist");
        var placed = 0;
        await Phases.CountedAsync($"kill-loop: {history:N0} historical orders", async report =>
        {
            var recorder = new Recorder();
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                int n;
                while ((n = Interlocked.Increment(ref placed)) <= history)
                {
                    try { await flow.PlaceAsync(n, ResponseMode.Accepted, TimeSpan.FromSeconds(30)); }
                    catch (Grpc.Core.RpcException) { Interlocked.Decrement(ref placed); await Task.Delay(50); }
                    if (n % 500 == 0) report(n, history);
                }
            }));
            return recorder;
        });
        await Task.Delay(TimeSpan.FromSeconds(3)); // the last orders settle and leave memory
        // The seed's provider latencies for the "normal latency" comparison, as a user would see it.
        foreach (var provider in Enum.GetValues<ProviderKind>()) world.Providers.Configure(provider, SimulationSettings.SeedDefault(provider));
        var normal = await SequentialSyncAsync(node.Client, context.RunId + "-norm", samples);
        await node.KillAsync();
        var restart = Stopwatch.StartNew();
        node = Start();
        var readyAfter = await node.WaitReadyAsync(TimeSpan.FromSeconds(120));
        var resumed = await ReadinessFigureAsync(node.Rest, "ordersStarted");
        var afterRestart = await SequentialSyncAsync(node.Client, context.RunId + "-first", samples);
        var normalP50 = Median(normal);
        result.Add(new Figure($"ready after a restart with {history:N0} historical orders", Math.Round(readyAfter.TotalSeconds, 2), "s"));
        result.Add(new Figure("orders resumed by that restart", resumed, ""));
        result.Add(new Figure($"SYNC latency before the kill, p50 of {samples}", Math.Round(normalP50), "ms"));
        result.Add(Figure.AtMostWhen(!o.Tiny, "first SYNC order after the restart", Math.Round(afterRestart[0]), "ms", Math.Round(2 * normalP50)));
        result.Add(Figure.AtMostWhen(!o.Tiny, $"slowest of the first {samples} after the restart", Math.Round(afterRestart.Max()), "ms", Math.Round(2 * normalP50)));
        foreach (var provider in Enum.GetValues<ProviderKind>()) world.Providers.Configure(provider, new SimulationSettings(5, JitterMs: 5));

        // ---- the kill loop ----
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
        var traffic = new ChaosTraffic(new OrderService.OrderServiceClient(channel), context.RunId + "-chaos", [.. skus.Keys]);
        var firstServed = new ConcurrentQueue<DateTime>();
        using var stop = new CancellationTokenSource();
        var start = DateTime.UtcNow;
        var load = traffic.RunAsync(callers, stop.Token, (_, _) => firstServed.Enqueue(DateTime.UtcNow));
        var cycles = new List<(double ReadyS, double FirstServedS, long Resumed)>();
        var killedAt = new List<double>();
        await Phases.CountedAsync($"kill-loop: {kills} kills under load", async report =>
        {
            for (var kill = 0; kill < kills; kill++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(o.Pick(1500, 2000), o.Pick(3000, 6000))));
                await node.KillAsync();
                await node.DisposeAsync();
                killedAt.Add((DateTime.UtcNow - start).TotalSeconds);
                var started = DateTime.UtcNow;
                node = Start();
                var ready = await node.WaitReadyAsync(TimeSpan.FromSeconds(120));
                var served = await FirstAfterAsync(firstServed, started, TimeSpan.FromSeconds(60));
                cycles.Add((ready.TotalSeconds, (served - started).TotalSeconds, await ReadinessFigureAsync(node.Rest, "ordersStarted")));
                report(kill + 1, kills);
            }
            return 0;
        });
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await load;
        var verdict = await Phases.CountedAsync("kill-loop: every order terminal, ledgers checked",
            report => ChaosVerdict.CheckAsync(node.Client, node.Rest, world, traffic, TimeSpan.FromSeconds(o.Pick(90, 180)), (d, t) => report(d, t)));
        await node.DisposeAsync();

        result.Add(new Figure("kills (SIGKILL)", kills, ""));
        AddVerdict(result, verdict);
        result.Add(new Figure("ready after a restart in the loop, max", Math.Round(cycles.Max(c => c.ReadyS), 2), "s"));
        result.Add(new Figure("first served order after a restart, p50", Math.Round(Median(cycles.Select(c => c.FirstServedS).ToList()), 2), "s"));
        result.Add(new Figure("first served order after a restart, max", Math.Round(cycles.Max(c => c.FirstServedS), 2), "s"));
        result.Add(new Figure("orders in memory when ready after a restart (resumed and new), max", cycles.Max(c => c.Resumed), ""));
        foreach (var (error, count) in traffic.Errors) result.Notes.Add($"calls refused or cut off while the node was down: {count} {error}");
        result.Data["cycles"] = cycles.Select(c => new { ready_s = c.ReadyS, first_served_s = c.FirstServedS, resumed = c.Resumed });
        result.Data["afterRestartMs"] = afterRestart;
        result.Data["normalMs"] = normal;
        var perSecond = firstServed.GroupBy(t => (int)(t - start).TotalSeconds).ToDictionary(g => g.Key, g => g.Count());
        var seconds = perSecond.Keys.DefaultIfEmpty(0).Max() + 1;
        result.Charts.Add(Charts.Lines(context.ChartPath("kill-loop"), $"Kill loop: orders acknowledged per second across {kills} SIGKILLs",
            "seconds into the loop", "orders acknowledged / s",
            [
                new Series("acknowledged / s", Enumerable.Range(0, seconds).Select(s => (double)s).ToArray(), Enumerable.Range(0, seconds).Select(s => (double)perSecond.GetValueOrDefault(s)).ToArray()),
                new Series("kill", killedAt.ToArray(), killedAt.Select(_ => 0.0).ToArray()),
            ], markers: true));
        return result;
    }

    public static void AddVerdict(ScenarioResult result, ChaosVerdict v)
    {
        result.Add(new Figure("orders acknowledged", v.Acknowledged, ""));
        result.Add(new Figure("orders stored (acknowledged or cut off)", v.Existing, ""));
        result.Add(new Figure("completed / cancelled (compensated)", v.Completed, $"/ {v.Cancelled}"));
        result.Add(Figure.AtMost("acknowledged orders lost", v.Lost, "", 0));
        result.Add(Figure.AtMost("acknowledged orders not terminal", v.NotTerminal, "", 0));
        result.Add(Figure.AtMost("double charges", v.DuplicateCharges, "", 0));
        result.Add(Figure.AtMost("orders whose net charge is not 1 if completed, else 0", v.ChargesOff, "", 0));
        result.Add(Figure.AtMost("stock discrepancies (units)", v.StockUnitsOff, "", 0));
        result.Add(Figure.AtMost("completed/cancelled orders without exactly one email", v.EmailsOff, "", 0));
    }

    private static async Task<List<double>> SequentialSyncAsync(OrderService.OrderServiceClient client, string run, int count)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await client.PlaceOrderAsync(OrderFlow.Request($"{run}-{i}", ResponseMode.Sync), deadline: DateTime.UtcNow.AddSeconds(60));
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return latencies;
    }

    private static async Task<DateTime> FirstAfterAsync(ConcurrentQueue<DateTime> served, DateTime after, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var first = served.Where(t => t > after).DefaultIfEmpty(DateTime.MaxValue).Min();
            if (first != DateTime.MaxValue) return first;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no order was served within {within.TotalSeconds:0} s of a restart");
    }

    private static async Task<long> ReadinessFigureAsync(HttpClient rest, string name)
    {
        var health = await rest.GetFromJsonAsync<JsonElement>("/health/ready");
        return health.GetProperty("checks").GetProperty("ready").GetProperty("data").GetProperty(name).GetInt64();
    }

    public static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);
}
