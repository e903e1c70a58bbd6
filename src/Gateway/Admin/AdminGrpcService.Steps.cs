using Grpc.Core;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Admin;

/// <summary>Parked and retrying steps across all instances of every workflow, from the read model, and their replay in bulk.</summary>
public sealed partial class AdminGrpcService
{
    private const int ReplayConcurrency = 32;

    public override Task<AdminV1.ListStepIssuesReply> ListStepIssues(AdminV1.ListStepIssuesRequest request, ServerCallContext context) => Call(async () =>
    {
        var status = IssueStatus(request.Status);
        if (request.Limit < 0) throw Invalid("limit", "must be 0 (the default, 100) or more");
        var groups = await index.StepIssueGroupsAsync(status, context.CancellationToken);
        var workflow = NullIfEmpty(request.Workflow);
        var issues = await index.StepIssuesAsync(status, NullIfEmpty(request.Group), workflow, limit: request.Limit == 0 ? 100 : request.Limit, ct: context.CancellationToken);
        var ofWorkflow = groups.Where(g => workflow is null || g.Workflow == workflow).ToList();
        var reply = new AdminV1.ListStepIssuesReply { Status = status, Total = ofWorkflow.Sum(g => g.Count) };
        reply.Groups.AddRange(ofWorkflow.Where(g => string.IsNullOrEmpty(request.Group) || g.Group == request.Group).Select(g => new AdminV1.StepIssueGroup
        {
            Group = g.Group, Workflow = g.Workflow, Kind = g.Kind, Error = g.Error, Count = g.Count, Oldest = Stamp(g.Oldest), Newest = Stamp(g.Newest),
            Note = g is { Workflow: OrderWorkflow.Type, Kind: "notify-webhook" } && status == OrderIndexStore.Parked
                ? "later status notifications of these orders wait behind them; replay resumes delivery in order" : "",
        }));
        reply.Issues.AddRange(issues.Select(i => new AdminV1.StepIssue
        {
            Workflow = i.Workflow, InstanceId = i.InstanceId, OrderId = i.Workflow == OrderWorkflow.Type ? i.InstanceId : "",
            Step = workflows.PublicStepName(i.Workflow, i.Step), Attempts = i.Attempts, Error = i.Error, Group = i.Group,
            Since = Stamp(i.Since), LastAt = Stamp(i.LastAt), NextAttemptAt = Stamp(i.NextAttemptAt),
        }));
        return reply;
    });

    public override Task ReplaySteps(AdminV1.ReplayStepsRequest request, IServerStreamWriter<AdminV1.ReplayProgress> responseStream, ServerCallContext context) => Call(async () =>
    {
        var ct = context.CancellationToken;
        var parked = request.TargetCase switch
        {
            AdminV1.ReplayStepsRequest.TargetOneofCase.OrderId => await ParkedOf(request.OrderId, Caller(context), ct),
            AdminV1.ReplayStepsRequest.TargetOneofCase.Instance => await ParkedOf(request.Instance, Caller(context), ct),
            AdminV1.ReplayStepsRequest.TargetOneofCase.Group when !string.IsNullOrWhiteSpace(request.Group) =>
                await index.StepIssuesAsync(OrderIndexStore.Parked, request.Group, limit: int.MaxValue, ct: ct),
            AdminV1.ReplayStepsRequest.TargetOneofCase.All when request.All => await index.StepIssuesAsync(OrderIndexStore.Parked, limit: int.MaxValue, ct: ct),
            _ => throw Invalid("target", "name an order id, an instance of a workflow, a group (see `steps parked`), or all"),
        };
        if (request.TargetCase == AdminV1.ReplayStepsRequest.TargetOneofCase.Group && parked.Count == 0)
            throw OrderGrpcNotFound($"no parked steps in group '{request.Group}' (see `steps parked` for the groups)");
        var targets = parked.GroupBy(i => (i.Workflow, i.InstanceId))
            .Select(g => new ParkedSteps(g.Key.Workflow, g.Key.InstanceId, g.Select(i => i.Step).ToList())).ToList();
        if (request.DryRun)
        {
            var plan = new AdminV1.ReplayProgress { Total = targets.Count, Finished = true };
            plan.Orders.AddRange(targets.Where(t => t.Workflow == OrderWorkflow.Type).Select(t => t.InstanceId));
            plan.Instances.AddRange(targets.Select(t => t.ToString()));
            await responseStream.WriteAsync(plan, ct);
            return true;
        }
        await responseStream.WriteAsync(new AdminV1.ReplayProgress { Total = targets.Count }, ct);
        await ParkedStepReplay.RunAsync(workflows, registry, targets, ReplayConcurrency, gateway.DefaultTimeout, TimeSpan.FromMilliseconds(200), async p =>
        {
            var progress = new AdminV1.ReplayProgress { Total = p.Total, Done = p.Done, Failed = p.Failed, Finished = p.Finished };
            progress.Errors.AddRange(p.Errors);
            await responseStream.WriteAsync(progress, ct);
        }, ct, label: t => t.Workflow == OrderWorkflow.Type ? t.InstanceId : t.ToString()); // an order by its id, as before other workflows
        return true;
    });

    public override Task<AdminV1.Timeline> InstanceTimeline(AdminV1.WorkflowInstance request, ServerCallContext context) => Call(async () =>
    {
        var workflow = Hosted(request);
        if (workflow.Type == OrderWorkflow.Type) return await OrderTimeline(new AdminV1.OrderRequest { OrderId = request.InstanceId }, context);
        var entries = await workflow.Timeline(system, request.InstanceId, context.CancellationToken);
        if (entries.Count == 0) throw OrderGrpcNotFound($"{workflow.Type} '{request.InstanceId}' has no recorded events");
        var timeline = new AdminV1.Timeline { Workflow = workflow.Type, InstanceId = request.InstanceId };
        timeline.Entries.AddRange(entries.Select(ToContract));
        return timeline;
    });

    /// <summary>The hosted workflow an instance names; INVALID_ARGUMENT naming the problem otherwise.</summary>
    private HostedWorkflow Hosted(AdminV1.WorkflowInstance instance)
    {
        if (string.IsNullOrWhiteSpace(instance.Workflow) || string.IsNullOrWhiteSpace(instance.InstanceId))
            throw Invalid("instance", "name both the workflow and the instance id");
        return workflows.Find(instance.Workflow)
               ?? throw Invalid("instance.workflow", $"'{instance.Workflow}' is not a workflow hosted here (hosted: {string.Join(", ", workflows.Types)})");
    }

    /// <summary>One instance's parked steps, from the read model (an order's from the order itself, which the read model may lag behind).</summary>
    private async Task<IReadOnlyList<StepIssue>> ParkedOf(AdminV1.WorkflowInstance instance, Security.Caller caller, CancellationToken ct)
    {
        if (Hosted(instance).Type == OrderWorkflow.Type) return await ParkedOf(instance.InstanceId, caller, ct);
        var parked = await index.StepIssuesAsync(OrderIndexStore.Parked, workflow: instance.Workflow, instanceId: instance.InstanceId, ct: ct);
        return parked.Count > 0 ? parked : throw Precondition($"{instance.Workflow} '{instance.InstanceId}' has no parked steps");
    }

    /// <summary>One order's parked steps, from the order itself: the read model may lag a moment behind.</summary>
    private async Task<IReadOnlyList<StepIssue>> ParkedOf(string orderId, Security.Caller caller, CancellationToken ct)
    {
        var order = await application.GetAsync(orderId, caller, null, ct);
        var parked = order.ParkedSteps.Select(s => new StepIssue(OrderWorkflow.Type, order.OrderId, s.Step, "", OrderIndexStore.Parked, s.Attempts, s.Detail ?? "", "",
            s.At ?? order.UpdatedAt, s.At ?? order.UpdatedAt, null)).ToList();
        return parked.Count > 0 ? parked : throw Precondition($"order '{order.OrderId}' has no parked steps");
    }

    private static RpcException OrderGrpcNotFound(string message) =>
        Orders.Gateway.Grpc.OrderGrpcService.ToRpcException(new Errors.OrderApiException(Errors.ApiError.NotFound, message));

    private static string IssueStatus(string status) => status.ToLowerInvariant() switch
    {
        "" or OrderIndexStore.Parked => OrderIndexStore.Parked,
        OrderIndexStore.Retrying => OrderIndexStore.Retrying,
        _ => throw Invalid("status", $"'{status}' is not a step status to list: use parked or retrying"),
    };

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
