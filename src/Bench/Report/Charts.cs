using ScottPlot;

namespace Orders.Bench.Report;

public sealed record Series(string Name, double[] X, double[] Y, bool RightAxis = false);

/// <summary>One bar of a waterfall: a span's label, start and end (ms from the trace's start), its kind and whether it failed.</summary>
public sealed record WaterfallRow(string Label, double StartMs, double EndMs, string Kind, bool Error);

/// <summary>PNG charts of a run, drawn with ScottPlot.</summary>
public static class Charts
{
    public static string Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        string? rightLabel = null, (double From, double To, string Label)? shaded = null, bool markers = false)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (shaded is { } s)
        {
            var span = plot.Add.HorizontalSpan(s.From, s.To);
            span.FillStyle.Color = Colors.OrangeRed.WithAlpha(0.15);
            span.LegendText = s.Label;
        }
        foreach (var line in series)
        {
            var scatter = plot.Add.Scatter(line.X, line.Y);
            scatter.LegendText = line.Name;
            scatter.MarkerSize = markers ? 6 : 0;
            scatter.LineWidth = 2;
            if (line.RightAxis) scatter.Axes.YAxis = plot.Axes.Right;
        }
        if (rightLabel is not null) plot.Axes.Right.Label.Text = rightLabel;
        plot.ShowLegend(Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1000, 560);
        return path;
    }

    /// <summary>A trace as a trace UI draws it: one bar per span, top to bottom, coloured by kind, failures red.</summary>
    public static string Waterfall(string path, string title, IReadOnlyList<WaterfallRow> rows)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("ms since the trace began");
        var palette = new Dictionary<string, Color>
        {
            ["Server"] = Colors.SteelBlue, ["Client"] = Colors.DarkOrange, ["Producer"] = Colors.MediumSeaGreen,
            ["Consumer"] = Colors.MediumPurple, ["Internal"] = Colors.Gray,
        };
        // A span too short to see at this scale still gets a sliver.
        var sliver = rows.Max(r => r.EndMs) / 250;
        var bars = rows.Select((row, i) => new Bar
        {
            Position = rows.Count - i,
            ValueBase = row.StartMs,
            Value = Math.Max(row.EndMs, row.StartMs + sliver),
            FillColor = row.Error ? Colors.Crimson : palette.GetValueOrDefault(row.Kind, Colors.Gray),
            Size = 0.7,
        }).ToList();
        plot.Add.Bars(bars).Horizontal = true;
        plot.Axes.Left.SetTicks(rows.Select((_, i) => (double)(rows.Count - i)).ToArray(), rows.Select(r => $"{r.Label}  {r.EndMs - r.StartMs:0} ms").ToArray());
        foreach (var (kind, colour) in palette) plot.Legend.ManualItems.Add(new LegendItem { LabelText = kind.ToLowerInvariant(), FillColor = colour });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "error", FillColor = Colors.Crimson });
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, Math.Max(400, 60 + 22 * rows.Count));
        return path;
    }
}
