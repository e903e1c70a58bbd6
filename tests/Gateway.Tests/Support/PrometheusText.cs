using System.Globalization;
using System.Text.RegularExpressions;

namespace Orders.Gateway.Tests.Support;

/// <summary>The samples of a Prometheus text exposition (format 0.0.4), enough to sum a metric by its labels.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    public IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples =>
        Text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(Parse);

    /// <summary>The sum of <paramref name="name"/>'s samples whose labels include every one of <paramref name="labels"/> ("key=value").</summary>
    public double Sum(string name, params string[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var k, var v] && s.Labels.GetValueOrDefault(k) == v)).Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    private static (string, IReadOnlyDictionary<string, string>, double) Parse(string line)
    {
        var match = SampleLine().Match(line);
        if (!match.Success) throw new FormatException($"not a Prometheus sample line: {line}");
        var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
        return (match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)""")]
    private static partial Regex LabelPair();
}
