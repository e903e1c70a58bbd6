using Grpc.Core;
using Orders.Actors.OrderIndex;
using Orders.Gateway.Grpc;
using Orders.Gateway.Security;
using AdminV1 = Orders.Contracts.Admin.V1;
using V1 = Orders.Contracts.V1;

namespace Orders.Gateway.Admin;

/// <summary>Orders as an operator sees them: any order, with its whole timeline.</summary>
public sealed partial class AdminGrpcService
{
    public override Task<AdminV1.ListOrdersReply> ListOrders(AdminV1.ListOrdersRequest request, ServerCallContext context) => Call(async () =>
    {
        if (request.Retrying && request.Parked) throw Invalid("retrying", "ask for orders with retrying steps or with parked steps, not both at once");
        var issue = request.Retrying ? OrderIndexStore.Retrying : request.Parked ? OrderIndexStore.Parked : null;
        var (page, next) = await application.ListAsync(request.Status.ToDomain(), request.PageSize, request.PageToken, Caller(context), context.CancellationToken, issue);
        var reply = new AdminV1.ListOrdersReply { NextPageToken = next ?? "" };
        reply.Orders.AddRange(page.Orders.Select(o => o.ToContract()));
        return reply;
    });

    public override Task<V1.Order> GetOrder(AdminV1.OrderRequest request, ServerCallContext context) =>
        Call(async () => (await application.GetAsync(request.OrderId, Caller(context), context.Deadline, context.CancellationToken)).ToContract());

    public override Task<V1.Order> CancelOrder(AdminV1.CancelOrderRequest request, ServerCallContext context) => Call(async () =>
        (await application.CancelAsync(request.OrderId, string.IsNullOrWhiteSpace(request.Reason) ? "cancelled by an operator" : request.Reason,
            Caller(context), context.Deadline, context.CancellationToken)).ToContract());

    public override Task WatchOrder(AdminV1.OrderRequest request, IServerStreamWriter<V1.Order> responseStream, ServerCallContext context) => Call(async () =>
    {
        await foreach (var view in application.WatchAsync(request.OrderId, Caller(context), context.CancellationToken))
            await responseStream.WriteAsync(view.ToContract(), context.CancellationToken);
        return true;
    });

    public override Task<AdminV1.Timeline> OrderTimeline(AdminV1.OrderRequest request, ServerCallContext context) => Call(async () =>
    {
        // Read through the order first: it validates the id, answers NOT_FOUND, and its record is the truth the journal is read for.
        var order = await application.GetAsync(request.OrderId, Caller(context), context.Deadline, context.CancellationToken);
        var entries = await workflows.Find(Actors.Orders.OrderWorkflow.Type)!.Timeline(system, order.OrderId, context.CancellationToken);
        var timeline = new AdminV1.Timeline
        {
            OrderId = order.OrderId, Status = order.Status.ToContract(), TraceId = order.TraceId, Workflow = Actors.Orders.OrderWorkflow.Type, InstanceId = order.OrderId,
        };
        timeline.Entries.AddRange(entries.Select(ToContract));
        return timeline;
    });

    private static AdminV1.TimelineEntry ToContract(Actors.Workflows.TimelineEntry e) => new()
    {
        At = Stamp(e.At), Kind = e.Kind, Step = e.Step ?? "", Attempt = e.Attempt, Outcome = e.Outcome, Detail = e.Detail ?? "", NextAttemptAt = Stamp(e.NextAttemptAt),
    };

    private static Caller Caller(ServerCallContext context) => CallerAccess.Identify(context.GetHttpContext());
}
