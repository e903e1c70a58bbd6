using Akka.Actor;
using Akka.Hosting;

namespace Orders.Actors.Workflows;

/// <summary>
/// A workflow a node hosts, as operator tools address it by step identity (workflow type, instance id, step).
/// </summary>
/// <param name="Instances">Where its instances take commands, by instance id (its shard region).</param>
/// <param name="ReplayParked">The command that puts an instance's parked steps (recorded names; all when empty) back into delivery.</param>
/// <param name="RefusalOf">The reason when a reply to that command is a refusal; null when it was done.</param>
/// <param name="PublicStepName">A recorded step name as clients read it.</param>
/// <param name="Timeline">An instance's story, from its journal; empty when it has none.</param>
public sealed record HostedWorkflow(
    string Type,
    Func<ActorRegistry, IActorRef> Instances,
    Func<string, IReadOnlyList<string>, object> ReplayParked,
    Func<object, string?> RefusalOf,
    Func<string, string> PublicStepName,
    Func<ActorSystem, string, CancellationToken, Task<IReadOnlyList<TimelineEntry>>> Timeline)
{
    /// <summary>A workflow whose step names and timeline come from its <see cref="IWorkflowHistory{TEvent}"/>.</summary>
    public static HostedWorkflow Of<TEvent>(IWorkflowHistory<TEvent> history, Func<ActorRegistry, IActorRef> instances,
        Func<string, IReadOnlyList<string>, object> replayParked, Func<object, string?> refusalOf) =>
        new(history.Type, instances, replayParked, refusalOf, history.PublicName, (system, id, ct) => WorkflowTimeline.ReadAsync(system, history, id, ct));
}

/// <summary>The workflows this node hosts, by type.</summary>
public sealed class WorkflowDirectory(IEnumerable<HostedWorkflow> workflows)
{
    private readonly Dictionary<string, HostedWorkflow> _byType = workflows.ToDictionary(w => w.Type);

    public IReadOnlyCollection<string> Types => _byType.Keys;

    public HostedWorkflow? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>A workflow's step as clients read it; as recorded for a workflow not hosted here.</summary>
    public string PublicStepName(string type, string step) => Find(type)?.PublicStepName(step) ?? step;
}

/// <summary>One instance's parked steps to put back into delivery.</summary>
public sealed record ParkedSteps(string Workflow, string InstanceId, IReadOnlyList<string> Steps)
{
    public override string ToString() => $"{Workflow}/{InstanceId}";
}

/// <summary>Puts parked steps of many instances, of any hosted workflow, back into delivery, a bounded number at a time.</summary>
public static class ParkedStepReplay
{
    public sealed record Progress(int Total, int Done, int Failed, bool Finished, IReadOnlyList<string> Errors);

    /// <summary>How many errors the final progress names; the rest are counted.</summary>
    public const int ErrorsNamed = 20;

    /// <param name="report">Called with the progress at most every <paramref name="reportEvery"/>, and once at the end (Finished).</param>
    /// <param name="label">How an error names its instance (default "workflow/id").</param>
    public static async Task<Progress> RunAsync(WorkflowDirectory directory, ActorRegistry registry, IReadOnlyList<ParkedSteps> targets, int concurrency,
        TimeSpan timeout, TimeSpan reportEvery, Func<Progress, Task> report, CancellationToken ct, Func<ParkedSteps, string>? label = null)
    {
        var errors = new List<string>();
        var done = 0;
        var failed = 0;
        using var gate = new SemaphoreSlim(concurrency);

        void Fail(ParkedSteps target, string error)
        {
            Interlocked.Increment(ref failed);
            lock (errors) if (errors.Count < ErrorsNamed) errors.Add($"{label?.Invoke(target) ?? target.ToString()}: {error}");
        }

        async Task ReplayAsync(ParkedSteps target)
        {
            if (directory.Find(target.Workflow) is not { } workflow)
            {
                Fail(target, $"workflow '{target.Workflow}' is not hosted on this node (it hosts {string.Join(", ", directory.Types)})");
                return;
            }
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var reply = await workflow.Instances(registry).Ask<object>(workflow.ReplayParked(target.InstanceId, target.Steps), timeout, ct).ConfigureAwait(false);
                if (workflow.RefusalOf(reply) is { } refusal) Fail(target, refusal);
                else Interlocked.Increment(ref done);
            }
            catch (AskTimeoutException)
            {
                Fail(target, $"no answer within {timeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One instance's failure (its region missing, a failure reply) is that instance's, not the whole replay's.
                Fail(target, e.Message);
            }
            finally
            {
                gate.Release();
            }
        }

        var all = Task.WhenAll(targets.Select(ReplayAsync).ToList());
        try
        {
            while (!all.IsCompleted)
            {
                await Task.WhenAny(all, Task.Delay(reportEvery, ct)).ConfigureAwait(false);
                if (!all.IsCompleted) await report(new Progress(targets.Count, Volatile.Read(ref done), Volatile.Read(ref failed), false, [])).ConfigureAwait(false);
            }
        }
        finally
        {
            // Also when reporting fails (the caller went away): the replays still running hold the gate, which must outlive them.
            await all.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        await all.ConfigureAwait(false);
        Progress final;
        lock (errors) final = new Progress(targets.Count, done, failed, true, errors.ToList());
        await report(final).ConfigureAwait(false);
        return final;
    }
}
