using ScottPlot;

namespace Orders.Bench.Report;

public sealed record Series(string Name, double[] X, double[] Y, bool RightAxis = false);

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
}
