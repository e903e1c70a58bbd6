using Orders.Bench.Chaos;
using Orders.Bench.Report;
using Orders.Bench.Target;

namespace Orders.Bench.Scenarios;

/// <summary>The hostile-request corpus and randomly broken bodies against a node process: never a server error, nothing stored.</summary>
public static class FuzzScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var o = context.Options;
        var kind = context.DatabasesFor(comparesDatabases: false).Single();
        using var database = new BenchDatabase(kind, kind == DatabaseKind.PostgreSql ? context.Postgres() : null);
        const string sku = "FUZZ-1";
        await using var node = NodeProcess.Start(Path.Combine(Path.GetTempPath(), "orders-bench", context.RunId + "-fuzz"), NodeProcess.FreePorts(),
            [.. database.GatewaySettings, "--Orders:SimulationProfile=instant", $"--Orders:InitialStock:{sku}=1000000", .. o.GatewaySettings]);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{node.Ports.Grpc}");
        var mutations = o.Pick(100, 2000);
        var result = new ScenarioResult("fuzz", $"node process on {database.Name}; the hostile-request corpus (REST, raw HTTP, gRPC), then {mutations:N0} randomly broken order bodies");

        await node.Client.PlaceOrderAsync(Chaos.ChaosTraffic.Request(new ChaosOrder("fz-warm-up", sku, 1, Contracts.V1.ResponseMode.Sync)));
        var rowsBefore = await QuietJournalRowsAsync(database);
        var simulationsBefore = await node.Rest.GetStringAsync("/v1/simulations");
        var corpus = await Phases.CountedAsync("fuzz: hostile corpus", async report =>
        {
            var outcomes = await HostileRequests.SendAllAsync(node.Rest, channel, sku, node.Ports.Grpc);
            report(outcomes.Count, outcomes.Count);
            return outcomes;
        });
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // anything a request set off would have been written by now
        var stored = await QuietJournalRowsAsync(database) - rowsBefore;
        var simulationsChanged = await node.Rest.GetStringAsync("/v1/simulations") != simulationsBefore;
        var mutated = await Phases.CountedAsync("fuzz: broken bodies", async report =>
        {
            var outcomes = await HostileRequests.SendMutatedAsync(node.Rest, sku, mutations, seed: 20261203);
            report(outcomes.Count, outcomes.Count);
            return outcomes;
        });
        var ready = await node.Rest.GetAsync("/health/ready");

        result.Add(new Figure("hostile requests sent", corpus.Count, ""));
        result.Add(Figure.AtMost("hostile requests answered with a server error (5xx, UNKNOWN, INTERNAL)", corpus.Count(c => c.ServerError), "", 0));
        result.Add(Figure.AtMost("journal rows written by hostile requests (shard placement aside)", stored, "", 0));
        result.Add(Figure.AtMost("simulation settings changed by hostile requests", simulationsChanged ? 1 : 0, "", 0));
        result.Add(new Figure("broken bodies sent", mutated.Count, ""));
        result.Add(Figure.AtMost("broken bodies answered with a server error", mutated.Count(c => c.ServerError), "", 0));
        result.Add(Figure.AtMost("node not ready afterwards", ready.IsSuccessStatusCode ? 0 : 1, "", 0));
        foreach (var group in corpus.Concat(mutated).GroupBy(c => $"{c.Face} {c.Status}").OrderBy(g => g.Key))
            result.Add(new Figure($"answered {group.Key}", group.Count(), "requests"));
        foreach (var bad in corpus.Concat(mutated).Where(c => c.ServerError)) result.Notes.Add($"server error: {bad.Face} {bad.Request} -> {bad.Status}");
        result.Data["corpus"] = corpus;
        return result;
    }

    /// <summary>The journal's row count once the warm-up's last writes (its passivation among them) have landed.</summary>
    private static async Task<long> QuietJournalRowsAsync(BenchDatabase database)
    {
        var rows = database.RowsOutsideShardCoordinators();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = database.RowsOutsideShardCoordinators();
            if (now == rows) return rows;
            rows = now;
        }
        return rows;
    }
}
