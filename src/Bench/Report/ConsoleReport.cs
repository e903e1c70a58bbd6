using System.Globalization;
using Spectre.Console;

namespace Orders.Bench.Report;

public static class ConsoleReport
{
    public static void Write(ScenarioResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{result.Scenario}[/]").Caption(Markup.Escape(result.Setup));
        table.AddColumn("figure").AddColumn(new TableColumn("value").RightAligned()).AddColumn("target").AddColumn("met");
        foreach (var f in result.Figures)
            table.AddRow(Markup.Escape(f.Name), Markup.Escape(Format(f.Value, f.Unit)), Markup.Escape(f.Target ?? ""),
                f.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" });
        AnsiConsole.Write(table);
        foreach (var note in result.Notes) AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(note)}[/]");
        foreach (var chart in result.Charts) AnsiConsole.MarkupLine($"  chart: [link]{Markup.Escape(chart)}[/]");
    }

    public static string Format(double value, string unit) =>
        (Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.0##", CultureInfo.InvariantCulture)) + (unit.Length > 0 ? " " + unit : "");
}
