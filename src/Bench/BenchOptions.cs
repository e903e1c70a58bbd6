using Orders.Bench.Target;

namespace Orders.Bench;

public enum BenchSize { Tiny, Standard }

/// <summary>The command line of the benchmark tool.</summary>
public sealed record BenchOptions(
    IReadOnlyList<string> Scenarios,
    BenchSize Size,
    IReadOnlyList<DatabaseKind> Databases,
    Uri? Target,
    Uri? TargetRest,
    string? Postgres,
    string OutputDirectory,
    IReadOnlyList<string> GatewaySettings,
    IReadOnlyList<int>? Callers = null,
    int? Seconds = null,
    bool CollectTraces = false)
{
    public const string Usage = """
        usage: dotnet run -c Release --project src/Bench -- <scenario>... [options]
          scenarios: seed-latency throughput email-outage slow-payment limit parked-replay all (the six before)
                     kill-loop db-outage fuzz overload chaos (the four before)
                     trace (one order's spans, exported over OTLP to the bench: printed as a tree, drawn as a waterfall)
          --size tiny|standard        tiny runs each scenario in seconds (what the tests do); default standard
          --db sqlite|postgresql|both default sqlite for seed-latency/email-outage/slow-payment/parked-replay/kill-loop/fuzz/overload (first listed) and both for throughput/limit/db-outage
          --target URL --rest URL     drive an existing gateway (gRPC URL, REST URL) instead of starting one in this process
          --postgres CONNECTION       PostgreSQL server for --db postgresql (else ORDERS_BENCH_POSTGRES, ORDERS_TEST_POSTGRES, or scripts/postgres-throwaway.sh)
          --out DIR                   where results.json and the PNG charts go; default bench-results
          --callers 16,64 --seconds 15   throughput: the closed-loop levels and how long each runs
          --collect-traces            the gateway it starts exports spans (and metrics) over OTLP to a receiver in the bench that counts them
          --Orders:...=v --Gateway:...=v --OpenTelemetry:...=v   settings for the gateway it starts
        """;

    public bool Tiny => Size == BenchSize.Tiny;
    public T Pick<T>(T tiny, T standard) => Tiny ? tiny : standard;

    public static BenchOptions Parse(string[] args)
    {
        var scenarios = new List<string>();
        var size = BenchSize.Standard;
        DatabaseKind[]? databases = null;
        Uri? target = null, rest = null;
        string? postgres = null;
        var output = "bench-results";
        var settings = new List<string>();
        List<int>? callers = null;
        int? seconds = null;
        var collectTraces = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--size":
                    var s = Value();
                    size = s switch { "tiny" => BenchSize.Tiny, "standard" => BenchSize.Standard, _ => throw new ArgumentException($"--size must be tiny or standard, not '{s}'") };
                    break;
                case "--db":
                    var d = Value();
                    databases = d switch
                    {
                        "sqlite" => [DatabaseKind.Sqlite],
                        "postgresql" => [DatabaseKind.PostgreSql],
                        "both" => [DatabaseKind.Sqlite, DatabaseKind.PostgreSql],
                        _ => throw new ArgumentException($"--db must be sqlite, postgresql or both, not '{d}'"),
                    };
                    break;
                case "--target": target = AbsoluteUri(arg, Value()); break;
                case "--rest": rest = AbsoluteUri(arg, Value()); break;
                case "--postgres": postgres = Value(); break;
                case "--out": output = Value(); break;
                case "--collect-traces": collectTraces = true; break;
                case "--callers":
                    var list = Value();
                    callers = list.Split(',').Select(c => int.TryParse(c, out var n) && n is > 0 and <= 10_000 ? n
                        : throw new ArgumentException($"--callers takes numbers from 1 to 10000 separated by commas, not '{list}'")).ToList();
                    break;
                case "--seconds":
                    var sec = Value();
                    seconds = int.TryParse(sec, out var parsed) && parsed is > 0 and <= 3600 ? parsed : throw new ArgumentException($"--seconds takes 1 to 3600, not '{sec}'");
                    break;
                default:
                    if (new[] { "--Orders:", "--Gateway:", "--OpenTelemetry:" }.Any(p => arg.StartsWith(p, StringComparison.Ordinal))) settings.Add(arg);
                    else if (arg.StartsWith('-')) throw new ArgumentException($"unknown option '{arg}'");
                    else scenarios.Add(arg);
                    break;
            }
        }
        if (scenarios.Count == 0) throw new ArgumentException("name at least one scenario");
        scenarios = scenarios.SelectMany(s => s switch
        {
            "all" => Orders.Bench.Scenarios.ScenarioCatalog.Names,
            "chaos" => Orders.Bench.Scenarios.ScenarioCatalog.Chaos,
            _ => [s],
        }).Distinct().ToList();
        var unknown = scenarios.Where(s => !Orders.Bench.Scenarios.ScenarioCatalog.All.Contains(s)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown scenario(s) {string.Join(", ", unknown)}; use {string.Join(", ", Orders.Bench.Scenarios.ScenarioCatalog.All)}, all or chaos");
        if ((target is null) != (rest is null)) throw new ArgumentException("--target and --rest go together: the gRPC address and the REST address of the same gateway");
        if (collectTraces && target is not null) throw new ArgumentException("--collect-traces points the gateway the bench starts at its receiver: it cannot go with --target");
        return new BenchOptions(scenarios, size, databases ?? [DatabaseKind.Sqlite, DatabaseKind.PostgreSql], target, rest, postgres, output, settings, callers, seconds,
            collectTraces);
    }

    private static Uri AbsoluteUri(string option, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"{option} must be an http(s) URL such as http://127.0.0.1:5081, not '{value}'");
}
