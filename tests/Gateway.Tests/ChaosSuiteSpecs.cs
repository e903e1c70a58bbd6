using System.Text.Json;
using Orders.Bench;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>
/// The short chaos suite: SIGKILLs under load, PostgreSQL stopped and SQLite made unwritable under load, the hostile
/// corpus, a flood. Every invariant the bench holds a figure to must be met (the full run is `bench chaos`).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosSuiteSpecs
{
    [Fact]
    public async Task The_short_chaos_suite_meets_every_invariant()
    {
        var output = Path.Combine(Path.GetTempPath(), "orders-chaos-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, await BenchCommand.RunAsync(["chaos", "--size", "tiny", "--out", output]));

            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
            var scenarios = results.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
            Assert.Equal(["kill-loop", "db-outage (SQLite)", "db-outage (PostgreSQL)", "fuzz", "overload"], scenarios.Select(s => s.GetProperty("scenario").GetString()));
            var held = scenarios.SelectMany(s => s.GetProperty("figures").EnumerateArray().Select(f => (Scenario: s.GetProperty("scenario").GetString(), Figure: f)))
                .Where(x => x.Figure.GetProperty("met").ValueKind != JsonValueKind.Null).ToList();
            var missed = held.Where(x => !x.Figure.GetProperty("met").GetBoolean())
                .Select(x => $"{x.Scenario}: {x.Figure.GetProperty("name").GetString()} = {x.Figure.GetProperty("value").GetDouble()} (target {x.Figure.GetProperty("target").GetString()})").ToList();
            Assert.True(missed.Count == 0, "invariants missed:\n" + string.Join("\n", missed));
            Assert.True(held.Count >= 25, $"only {held.Count} figures held to a target");
            // Something really happened: orders were acknowledged through the kills and the outages.
            var acknowledged = scenarios.SelectMany(s => s.GetProperty("figures").EnumerateArray())
                .Where(f => f.GetProperty("name").GetString() == "orders acknowledged").Select(f => f.GetProperty("value").GetDouble()).ToList();
            Assert.Equal(3, acknowledged.Count);
            Assert.All(acknowledged, a => Assert.True(a > 50));
        }
        finally
        {
            try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        }
    }
}

[CollectionDefinition(Name), LongRunning(160)]
public sealed class ChaosCollection
{
    public const string Name = "chaos suite";
}
