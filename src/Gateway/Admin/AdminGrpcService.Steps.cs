using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using Orders.Actors.Hosting;
using Orders.Actors.Messaging;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using static Orders.Actors.Orders.OrderReplies;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Admin;

/// <summary>Parked and retrying steps across all orders, from the read model, and their replay in bulk.</summary>
public sealed partial class AdminGrpcService
{
    private const int ReplayConcurrency = 32;

    public override Task<AdminV1.ListStepIssuesReply> ListStepIssues(AdminV1.ListStepIssuesRequest request, ServerCallContext context) => Call(async () =>
    {
        var status = IssueStatus(request.Status);
        if (request.Limit < 0) throw Invalid("limit", "must be 0 (the default, 100) or more");
        var groups = await index.StepIssueGroupsAsync(status, context.CancellationToken);
        var issues = await index.StepIssuesAsync(status, NullIfEmpty(request.Group), limit: request.Limit == 0 ? 100 : request.Limit, ct: context.CancellationToken);
        var reply = new AdminV1.ListStepIssuesReply { Status = status, Total = groups.Sum(g => g.Count) };
        reply.Groups.AddRange(groups.Where(g => string.IsNullOrEmpty(request.Group) || g.Group == request.Group).Select(g => new AdminV1.StepIssueGroup
        {
            Group = g.Group, Kind = g.Kind, Error = g.Error, Count = g.Count, Oldest = Stamp(g.Oldest), Newest = Stamp(g.Newest),
            Note = g.Kind == "notify-webhook" && status == OrderIndexStore.Parked ? "later status notifications of these orders wait behind them; replay resumes delivery in order" : "",
        }));
        reply.Issues.AddRange(issues.Select(i => new AdminV1.StepIssue
        {
            OrderId = i.OrderId, Step = StepId.Parse(i.Step).PublicName, Attempts = i.Attempts, Error = i.Error, Group = i.Group,
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
            AdminV1.ReplayStepsRequest.TargetOneofCase.Group when !string.IsNullOrWhiteSpace(request.Group) =>
                await index.StepIssuesAsync(OrderIndexStore.Parked, request.Group, limit: int.MaxValue, ct: ct),
            AdminV1.ReplayStepsRequest.TargetOneofCase.All when request.All => await index.StepIssuesAsync(OrderIndexStore.Parked, limit: int.MaxValue, ct: ct),
            _ => throw Invalid("target", "name an order id, a group (see `steps parked`), or all"),
        };
        if (request.TargetCase == AdminV1.ReplayStepsRequest.TargetOneofCase.Group && parked.Count == 0)
            throw OrderGrpcNotFound($"no parked steps in group '{request.Group}' (see `steps parked` for the groups)");
        var byOrder = parked.GroupBy(i => i.OrderId).Select(g => (OrderId: g.Key, Steps: (IReadOnlyList<string>)g.Select(i => i.Step).ToList())).ToList();
        var progress = new AdminV1.ReplayProgress { Total = byOrder.Count };
        if (request.DryRun)
        {
            progress.Orders.AddRange(byOrder.Select(o => o.OrderId));
            progress.Finished = true;
            await responseStream.WriteAsync(progress, ct);
            return true;
        }
        await responseStream.WriteAsync(progress, ct);
        var orderRegion = services.GetRequiredService<IRequiredActor<ActorKeys.Orders>>().ActorRef;
        var errors = new List<string>();
        var done = 0;
        var failed = 0;
        var lastReport = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(ReplayConcurrency);
        var replays = byOrder.Select(async order =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var reply = await orderRegion.Ask<object>(new OrderCommands.ReplayParkedSteps(order.OrderId, MessageContext.New(), order.Steps), gateway.DefaultTimeout, ct);
                if (reply is CommandRejected rejected) Fail($"{order.OrderId}: {rejected.Reason}");
                else Interlocked.Increment(ref done);
            }
            catch (AskTimeoutException)
            {
                Fail($"{order.OrderId}: no answer within {gateway.DefaultTimeout.TotalSeconds:0} s");
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        void Fail(string error)
        {
            Interlocked.Increment(ref failed);
            lock (errors) if (errors.Count < 20) errors.Add(error);
        }

        var all = Task.WhenAll(replays);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(200, ct));
            if (all.IsCompleted || lastReport.ElapsedMilliseconds < 200) continue;
            lastReport.Restart();
            await responseStream.WriteAsync(new AdminV1.ReplayProgress { Total = byOrder.Count, Done = Volatile.Read(ref done), Failed = Volatile.Read(ref failed) }, ct);
        }
        await all;
        var final = new AdminV1.ReplayProgress { Total = byOrder.Count, Done = done, Failed = failed, Finished = true };
        final.Errors.AddRange(errors);
        await responseStream.WriteAsync(final, ct);
        return true;
    });

    /// <summary>One order's parked steps, from the order itself: the read model may lag a moment behind.</summary>
    private async Task<IReadOnlyList<StepIssue>> ParkedOf(string orderId, Security.Caller caller, CancellationToken ct)
    {
        var order = await application.GetAsync(orderId, caller, null, ct);
        var parked = order.ParkedSteps.Select(s => new StepIssue(order.OrderId, s.Step, "", OrderIndexStore.Parked, s.Attempts, s.Detail ?? "", "",
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
