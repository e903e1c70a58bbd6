using System.Runtime.InteropServices;
using System.Text.Json;
using Orders.Bench.Report;
using Orders.Bench.Scenarios;
using Spectre.Console;

namespace Orders.Bench;

/// <summary>Runs the named scenarios, prints each result beside its targets, writes results.json and the charts.</summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Error);

    /// <summary>Runs with errors written to <paramref name="error"/>: the specs read them without taking over the process's stderr.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}\n\n{BenchOptions.Usage}");
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        await using var context = new BenchContext(options);
        var machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0.#} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
        AnsiConsole.MarkupLine($"[bold]orders bench[/] ({Markup.Escape(machine)}), size {options.Size}, results in {Markup.Escape(Path.GetFullPath(options.OutputDirectory))}");

        var results = new List<ScenarioResult>();
        foreach (var scenario in options.Scenarios)
        {
            try
            {
                foreach (var result in await ScenarioCatalog.RunAsync(scenario, context))
                {
                    ConsoleReport.Write(result);
                    results.Add(result);
                }
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync($"error: {scenario}: {e.Message}");
                return 2;
            }
        }

        var path = Path.Combine(options.OutputDirectory, "results.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            machine,
            size = options.Size.ToString(),
            at = DateTimeOffset.UtcNow,
            scenarios = results.Select(r => new { scenario = r.Scenario, setup = r.Setup, figures = r.Figures, notes = r.Notes, charts = r.Charts, data = r.Data }),
        }, Indented));
        var missed = results.SelectMany(r => r.Figures.Where(f => f.Met == false).Select(f => $"{r.Scenario}: {f.Name}")).ToList();
        AnsiConsole.MarkupLine($"results: {Markup.Escape(Path.GetFullPath(path))}; targets met {results.Sum(r => r.Figures.Count(f => f.Met == true))}, missed {missed.Count}");
        foreach (var miss in missed) AnsiConsole.MarkupLine($"  [red]missed[/] {Markup.Escape(miss)}");
        return 0;
    }
}
