using System.Diagnostics;
using Spectre.Console;

namespace Orders.Bench.Report;

/// <summary>A progress bar per phase of a run: by elapsed time for timed load, by count for waits.</summary>
public static class Phases
{
    public static Task TimedAsync(string description, TimeSpan duration, Func<Task> work) =>
        RunAsync(description, duration.TotalSeconds, async task =>
        {
            var clock = Stopwatch.StartNew();
            var running = work();
            while (!running.IsCompleted)
            {
                task.Value = Math.Min(clock.Elapsed.TotalSeconds, duration.TotalSeconds);
                await Task.WhenAny(running, Task.Delay(250));
            }
            await running;
        });

    public static Task<T> CountedAsync<T>(string description, Func<Action<double, double>, Task<T>> work)
    {
        T result = default!;
        return RunAsync(description, 1, async task =>
        {
            result = await work((done, total) => { task.MaxValue = Math.Max(total, 1); task.Value = done; });
        }).ContinueWith(t => { t.GetAwaiter().GetResult(); return result; });
    }

    // A console per phase: Spectre allows one live display per console at a time, and the specs run the chaos suite and
    // the bench side by side in one process. Within one run the phases follow each other, as before.
    private static Task RunAsync(string description, double max, Func<ProgressTask, Task> body) =>
        AnsiConsole.Create(new AnsiConsoleSettings()).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(max, 0.001));
                await body(task);
                task.Value = task.MaxValue;
            });
}
