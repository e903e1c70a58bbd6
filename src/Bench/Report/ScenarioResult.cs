namespace Orders.Bench.Report;

/// <summary>One measured figure, with the target it is held to (if any) and whether it met it.</summary>
public sealed record Figure(string Name, double Value, string Unit, string? Target = null, bool? Met = null)
{
    public static Figure AtMost(string name, double value, string unit, double limit) => new(name, value, unit, $"<= {limit:0.##} {unit}", value <= limit);
    /// <summary>A speed or memory target, held only when <paramref name="held"/> (standard runs; tiny runs measure, they do not judge speed).</summary>
    public static Figure AtMostWhen(bool held, string name, double value, string unit, double limit) =>
        held ? AtMost(name, value, unit, limit) : new(name, value, unit);
    public static Figure AtLeast(string name, double value, string unit, double limit) => new(name, value, unit, $">= {limit:0.##} {unit}", value >= limit);
}

public sealed class ScenarioResult(string scenario, string setup)
{
    public string Scenario { get; } = scenario;
    /// <summary>What ran: target, database, load shape and size.</summary>
    public string Setup { get; } = setup;
    public List<Figure> Figures { get; } = [];
    public List<string> Charts { get; } = [];
    public List<string> Notes { get; } = [];
    /// <summary>Raw series (percentiles, timelines, per-level rows) for the JSON file.</summary>
    public Dictionary<string, object> Data { get; } = new();

    public void Add(Figure figure) => Figures.Add(figure);
}
