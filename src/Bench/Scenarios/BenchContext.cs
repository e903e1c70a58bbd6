using Orders.Bench.Target;

namespace Orders.Bench.Scenarios;

/// <summary>What every scenario gets: the options, where to write charts, and how to get a gateway to drive.</summary>
public sealed class BenchContext(BenchOptions options) : IAsyncDisposable
{
    public BenchOptions Options { get; } = options;
    public string RunId { get; } = $"b{DateTime.UtcNow:HHmmss}{Random.Shared.Next(1000):D3}";
    private string? _postgres;

    public string ChartPath(string name) => Path.Combine(Options.OutputDirectory, name + ".png");

    /// <summary>With --collect-traces: where the gateways the bench starts send their spans, counted, not kept.</summary>
    public Telemetry.OtlpReceiver? Collector { get; private set; }

    /// <summary>The gateway under test: the one given by --target, or a fresh one in this process on <paramref name="database"/>.</summary>
    public async Task<BenchTarget> TargetAsync(DatabaseKind database, string profile, params string[] settings)
    {
        if (Options.Target is not null) return await BenchTarget.ConnectAsync(Options.Target, Options.TargetRest!);
        var postgres = database == DatabaseKind.PostgreSql ? Postgres() : null;
        if (Options.CollectTraces) Collector ??= await Telemetry.OtlpReceiver.StartAsync(grpc: false, keep: false);
        return await BenchTarget.StartAsync(database, postgres, profile, [.. settings, .. Collector?.NodeSettings("http/protobuf") ?? [], .. Options.GatewaySettings]);
    }

    /// <summary>The PostgreSQL server's admin connection string (found or started once per run).</summary>
    public string Postgres() => _postgres ??= BenchDatabase.LocatePostgres(Options.Postgres);

    public IEnumerable<DatabaseKind> DatabasesFor(bool comparesDatabases) =>
        Options.Target is not null ? [DatabaseKind.Sqlite] : comparesDatabases ? Options.Databases : [Options.Databases[0]];

    /// <summary>The span receiver of --collect-traces stops with the run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Collector is not null) await Collector.DisposeAsync();
    }
}

public static class ScenarioCatalog
{
    /// <summary>What "all" runs: the performance scenarios.</summary>
    public static readonly IReadOnlyList<string> Names = ["seed-latency", "throughput", "email-outage", "slow-payment", "limit", "parked-replay"];
    /// <summary>What "chaos" runs: kills, database outages, hostile input, a flood; each checks its invariants.</summary>
    public static readonly IReadOnlyList<string> Chaos = ["kill-loop", "db-outage", "fuzz", "overload"];
    /// <summary>Run on their own only: one order's trace, printed and drawn.</summary>
    public static readonly IReadOnlyList<string> Pictures = ["trace"];
    public static IEnumerable<string> All => Names.Concat(Chaos).Concat(Pictures);

    public static Task<IReadOnlyList<Report.ScenarioResult>> RunAsync(string name, BenchContext context) => name switch
    {
        "seed-latency" => One(SeedLatencyScenario.RunAsync(context)),
        "throughput" => ThroughputScenario.RunAsync(context),
        "email-outage" => One(EmailOutageScenario.RunAsync(context)),
        "slow-payment" => One(SlowPaymentScenario.RunAsync(context)),
        "limit" => LimitScenario.RunAsync(context),
        "parked-replay" => One(ParkedReplayScenario.RunAsync(context)),
        "kill-loop" => One(KillLoopScenario.RunAsync(context)),
        "db-outage" => DatabaseOutageScenario.RunAsync(context),
        "fuzz" => One(FuzzScenario.RunAsync(context)),
        "overload" => One(OverloadScenario.RunAsync(context)),
        "trace" => One(TraceScenario.RunAsync(context)),
        _ => throw new ArgumentException($"unknown scenario '{name}'"),
    };

    private static async Task<IReadOnlyList<Report.ScenarioResult>> One(Task<Report.ScenarioResult> run) => [await run];
}
