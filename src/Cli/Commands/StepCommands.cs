using System.ComponentModel;
using System.Diagnostics;
using Orders.Cli.Connection;
using Orders.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Commands;

public sealed class IssueSettings : CommandSettings
{
    [CommandOption("--group <GROUP>")]
    [Description("only this group (the first column of the groups table)")]
    public string? Group { get; init; }

    [CommandOption("--limit <N>")]
    [Description("steps listed under the groups (default 20 in a table, 100 in JSON)")]
    public int Limit { get; init; }

    [CommandOption("--workflow <TYPE>")]
    [Description("only this workflow's steps (order, or another hosted workflow)")]
    public string? Workflow { get; init; }
}

public abstract class StepIssues : AdminCommand<IssueSettings>
{
    public const string OrderWorkflow = "order";

    protected abstract string Status { get; }

    protected override async Task RunAsync(IssueSettings settings, CancellationToken ct)
    {
        var limit = settings.Limit > 0 ? settings.Limit : Session.Json ? 100 : 20;
        var reply = await Call(o => Node.Admin.ListStepIssuesAsync(
            new AdminV1.ListStepIssuesRequest { Status = Status, Group = settings.Group ?? "", Limit = limit, Workflow = settings.Workflow ?? "" }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        if (reply.Total == 0) { Session.Text($"no {Status} steps"); return; }
        // Orders only, as before there were other workflows; else each row names its workflow.
        var onlyOrders = reply.Groups.All(g => g.Workflow == OrderWorkflow);
        var groups = new Table().AddColumns([.. onlyOrders ? Array.Empty<string>() : ["workflow"], "group", "step kind", "count", "oldest", "newest", "error"]);
        foreach (var g in reply.Groups)
            groups.AddRow([.. onlyOrders ? Array.Empty<string>() : [Markup.Escape(g.Workflow)], Markup.Escape(g.Group), g.Kind, g.Count.ToString(),
                Session.Time(g.Oldest), Session.Time(g.Newest), Markup.Escape(g.Error) + (g.Note == "" ? "" : $"\n[grey]{Markup.Escape(g.Note)}[/]")]);
        Session.Console.Write(groups);
        var steps = new Table().AddColumns([.. onlyOrders ? ["order"] : new[] { "workflow", "instance" }, "step", "attempts", "since",
            Status == "retrying" ? "next attempt" : "last", "error"]);
        foreach (var i in reply.Issues)
            steps.AddRow([.. onlyOrders ? [Markup.Escape(i.InstanceId)] : new[] { Markup.Escape(i.Workflow), Markup.Escape(i.InstanceId) }, Markup.Escape(i.Step),
                i.Attempts.ToString(), Session.Time(i.Since), Status == "retrying" ? Session.Time(i.NextAttemptAt) : Session.Time(i.LastAt), Markup.Escape(i.Error)]);
        Session.Console.Write(steps);
        Session.Text($"{reply.Total} {Status} steps in {reply.Groups.Count} groups" + (reply.Issues.Count < reply.Total ? $" ({reply.Issues.Count} listed; --limit for more)" : "") +
            (Status == "parked" ? "; replay with: steps replay --group <group>" : ""));
    }
}

public sealed class StepsParked : StepIssues
{
    protected override string Status => "parked";
}

public sealed class StepsRetrying : StepIssues
{
    protected override string Status => "retrying";
}

public sealed class ReplaySettings : CommandSettings
{
    [CommandArgument(0, "[order-id]")]
    [Description("replay the parked steps of this order (or instance, with --workflow)")]
    public string? OrderId { get; init; }

    [CommandOption("--workflow <TYPE>")]
    [Description("the id names an instance of this workflow, not an order")]
    public string? Workflow { get; init; }

    [CommandOption("--group <GROUP>")]
    [Description("replay every parked step of a group (see steps parked)")]
    public string? Group { get; init; }

    [CommandOption("--all")]
    [Description("replay every parked step")]
    public bool All { get; init; }

    [CommandOption("--dry-run")]
    [Description("list the orders that would be replayed; change nothing")]
    public bool DryRun { get; init; }
}

public sealed class StepsReplay : AdminCommand<ReplaySettings>
{
    protected override async Task RunAsync(ReplaySettings settings, CancellationToken ct)
    {
        var targets = (settings.OrderId is null ? 0 : 1) + (settings.Group is null ? 0 : 1) + (settings.All ? 1 : 0);
        if (targets != 1) throw new UsageException("steps replay needs exactly one of: an order id, --group <group>, --all");
        if (settings.Workflow is not null && settings.OrderId is null) throw new UsageException("--workflow names the workflow of an instance id: give the id too");
        var request = new AdminV1.ReplayStepsRequest { DryRun = settings.DryRun };
        if (settings.OrderId is not null && settings.Workflow is { } workflow && workflow != StepIssues.OrderWorkflow)
            request.Instance = new AdminV1.WorkflowInstance { Workflow = workflow, InstanceId = settings.OrderId };
        else if (settings.OrderId is not null) request.OrderId = settings.OrderId;
        else if (settings.Group is not null) request.Group = settings.Group;
        else request.All = true;

        var clock = Stopwatch.StartNew();
        AdminV1.ReplayProgress? last = null;
        var call = Node.Admin.ReplaySteps(request, Node.Options(ct, stream: true));
        if (Session.Json || settings.DryRun || !Session.Console.Profile.Capabilities.Interactive)
        {
            await ReadStream(call, p =>
            {
                last = p;
                if (Session.Json) Session.WriteJson(p);
                else if (!settings.DryRun) Session.Text($"replayed {p.Done}/{p.Total}" + (p.Failed > 0 ? $", {p.Failed} failed" : ""));
            }, ct);
        }
        else
        {
            await Session.Console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var task = progress.AddTask("replaying parked steps", maxValue: 1);
                await ReadStream(call, p =>
                {
                    last = p;
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done + p.Failed;
                }, ct);
            });
        }
        if (last is null || !last.Finished) throw new CliFailure(ExitCodes.Failed, "the replay stopped before it finished; run `steps parked` to see what is left");
        if (Session.Json) return;
        if (settings.DryRun)
        {
            // Orders by id as before; instances of other workflows as workflow/id.
            var onlyOrders = last.Orders.Count == last.Instances.Count;
            foreach (var instance in onlyOrders ? last.Orders : last.Instances) Session.Text(instance);
            Session.Text($"dry run: would replay the parked steps of {last.Total} {(onlyOrders ? "orders" : "instances")}; nothing changed");
            return;
        }
        // Errors name instances of other workflows as workflow/id.
        var what = request.TargetCase == AdminV1.ReplayStepsRequest.TargetOneofCase.Instance ? $"{settings.Workflow} instances" : "orders";
        Session.Text($"replayed the parked steps of {last.Done} of {last.Total} {what} in {clock.Elapsed.TotalSeconds:0.00} s" + (last.Failed > 0 ? $"; {last.Failed} failed:" : ""));
        foreach (var error in last.Errors) Session.Text($"  {error}");
        if (last.Failed > 0) throw new CliFailure(ExitCodes.Failed, $"{last.Failed} {what} could not be replayed");
    }
}

public sealed class InstanceSettings : CommandSettings
{
    [CommandArgument(0, "<instance-id>")]
    [Description("the instance (an order id, or an id of another workflow with --workflow)")]
    public string InstanceId { get; init; } = "";

    [CommandOption("--workflow <TYPE>")]
    [Description("the instance's workflow (default order)")]
    public string Workflow { get; init; } = StepIssues.OrderWorkflow;
}

public sealed class StepsTimeline : AdminCommand<InstanceSettings>
{
    protected override async Task RunAsync(InstanceSettings settings, CancellationToken ct) => OrdersTimeline.Write(await Call(o => Node.Admin.InstanceTimelineAsync(
        new AdminV1.WorkflowInstance { Workflow = settings.Workflow, InstanceId = settings.InstanceId }, o).ResponseAsync, ct));
}
