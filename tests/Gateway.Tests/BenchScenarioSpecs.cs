using System.Text.Json;
using Orders.Bench;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>Keeps the benchmark tool working: every scenario at a size of seconds, on SQLite and PostgreSQL. No timing assertions.</summary>
[Collection(BenchCollection.Name)]
public sealed class BenchScenarioSpecs
{
    [Fact]
    public async Task Every_scenario_runs_at_tiny_size_and_writes_results_and_charts()
    {
        var output = Path.Combine(Path.GetTempPath(), "orders-bench-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, await BenchCommand.RunAsync(["all", "--size", "tiny", "--out", output]));

            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
            var scenarios = results.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
            var names = scenarios.Select(s => s.GetProperty("scenario").GetString()).ToList();
            Assert.Equal(["seed-latency", "throughput (SQLite)", "throughput (PostgreSQL)", "email-outage", "slow-payment", "limit (SQLite)", "limit (PostgreSQL)", "parked-replay"], names);
            Assert.All(scenarios, s => Assert.NotEmpty(s.GetProperty("figures").EnumerateArray()));
            // Every scenario measured something real: orders went through, rows were written.
            var figures = scenarios.SelectMany(s => s.GetProperty("figures").EnumerateArray())
                .GroupBy(f => f.GetProperty("name").GetString()!)
                .ToDictionary(g => g.Key, g => g.Min(f => f.GetProperty("value").GetDouble()));
            Assert.True(figures["HYBRID client latency p50"] > 0);
            Assert.True(figures["raw journal inserts"] > 0);
            Assert.True(figures["journal rows per order"] > 0);
            Assert.Equal(0, figures["orders not finished within 120 s"]);
            Assert.Equal(50, figures["orders completed after the replay"]);
            foreach (var chart in new[] { "seed-latency", "throughput", "email-outage", "slow-payment" })
                Assert.True(new FileInfo(Path.Combine(output, chart + ".png")).Length > 1000, $"{chart}.png was not drawn");
        }
        finally
        {
            try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_trace_scenario_lists_one_orders_spans_as_one_tree_and_draws_its_waterfall()
    {
        var output = Path.Combine(Path.GetTempPath(), "orders-bench-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, await BenchCommand.RunAsync(["trace", "--out", output]));

            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
            var spans = Assert.Single(results.RootElement.GetProperty("scenarios").EnumerateArray()).GetProperty("data").GetProperty("spans").EnumerateArray()
                .Select(s => (Name: s.GetProperty("name").GetString()!, Id: s.GetProperty("span_id").GetString()!, Parent: s.GetProperty("parent_span_id").GetString()!))
                .ToList();
            string[] hops = ["process order", "send payment", "process payment", "send reserve-stock", "process inventory", "send create-shipment",
                "process warehouse", "send send-confirmation", "process email", "INSERT journal"];
            Assert.True(hops.All(h => spans.Any(s => s.Name == h)),
                $"missing {string.Join(", ", hops.Where(h => spans.All(s => s.Name != h)))} among {string.Join(", ", spans.Select(s => s.Name))}");
            // One tree: a single root (the node's server span of the call), every other span under one of the trace's own.
            var ids = spans.Select(s => s.Id).ToHashSet();
            Assert.Single(spans, s => !ids.Contains(s.Parent));
            Assert.True(new FileInfo(Path.Combine(output, "trace-waterfall.png")).Length > 1000, "trace-waterfall.png was not drawn");
        }
        finally
        {
            try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        }
    }

    [Theory]
    [InlineData("warp-speed")]
    [InlineData("throughput --size huge")]
    [InlineData("throughput --db oracle")]
    [InlineData("throughput --target http://127.0.0.1:1")]
    [InlineData("throughput --target ftp://x --rest http://127.0.0.1:1")]
    public async Task Bad_arguments_are_refused_with_exit_code_2(string arguments)
    {
        var error = new StringWriter();
        Assert.Equal(2, await BenchCommand.RunAsync(arguments.Split(' '), error));
        Assert.StartsWith("error: ", error.ToString());
    }
}

/// <summary>The bench runs in this process, one run at a time; beside other specs, since it judges no speed at tiny size.</summary>
[CollectionDefinition(Name), LongRunning(100)]
public sealed class BenchCollection
{
    public const string Name = "benchmark tool";
}
