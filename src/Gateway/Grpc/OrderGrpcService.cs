using Any = Google.Protobuf.WellKnownTypes.Any;
using Google.Rpc;
using Grpc.Core;
using Orders.Actors.Orders;
using Orders.Gateway.Application;
using Orders.Gateway.Security;
using V1 = Orders.Contracts.V1;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Grpc;

/// <summary>The gRPC face of <see cref="OrderApplication"/>.</summary>
public sealed class OrderGrpcService(OrderApplication application) : V1.OrderService.OrderServiceBase
{
    public override Task<V1.PlaceOrderResponse> PlaceOrder(V1.PlaceOrderRequest request, ServerCallContext context) => Call(async () =>
    {
        var input = new PlaceOrderInput(request.OrderId, request.CustomerEmail,
            request.Items.Select(ItemInput? (i) => new ItemInput(i.Sku, i.Quantity, i.HasUnitPriceMinor ? i.UnitPriceMinor : null)).ToList(),
            request.Currency, request.PaymentToken, request.CallbackUrl, request.Mode.ToDomain(), ApiFace.Grpc);
        var (view, token) = await application.PlaceAsync(input, context.Deadline, context.CancellationToken);
        return new V1.PlaceOrderResponse { Order = view.ToContract(), OrderToken = token };
    });

    public override Task<V1.Order> GetOrder(V1.GetOrderRequest request, ServerCallContext context) =>
        Call(async () => (await application.GetAsync(request.OrderId, Caller(context), context.Deadline, context.CancellationToken)).ToContract());

    public override Task<V1.Order> CancelOrder(V1.CancelOrderRequest request, ServerCallContext context) =>
        Call(async () => (await application.CancelAsync(request.OrderId, request.Reason, Caller(context), context.Deadline, context.CancellationToken)).ToContract());

    public override Task<V1.ListOrdersResponse> ListOrders(V1.ListOrdersRequest request, ServerCallContext context) => Call(async () =>
    {
        var (page, next) = await application.ListAsync(request.Status.ToDomain(), request.PageSize, request.PageToken, Caller(context), context.CancellationToken);
        var response = new V1.ListOrdersResponse { NextPageToken = next ?? "" };
        response.Orders.AddRange(page.Orders.Select(o => o.ToContract()));
        return response;
    });

    public override Task WatchOrder(V1.WatchOrderRequest request, IServerStreamWriter<V1.Order> responseStream, ServerCallContext context) => Call(async () =>
    {
        await foreach (var view in application.WatchAsync(request.OrderId, Caller(context), context.CancellationToken))
            await responseStream.WriteAsync(view.ToContract(), context.CancellationToken);
        return true;
    });

    private static Caller Caller(ServerCallContext context) => CallerAccess.Identify(context.GetHttpContext());

    private static async Task<T> Call<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (OrderApiException e)
        {
            throw ToRpcException(e);
        }
    }

    public static RpcException ToRpcException(OrderApiException e)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)(e.Error switch
            {
                ApiError.InvalidArgument => Code.InvalidArgument,
                ApiError.NotFound => Code.NotFound,
                ApiError.AlreadyExists => Code.AlreadyExists,
                ApiError.FailedPrecondition => Code.FailedPrecondition,
                ApiError.ResourceExhausted => Code.ResourceExhausted,
                ApiError.DeadlineExceeded => Code.DeadlineExceeded,
                ApiError.UnsupportedMediaType => Code.InvalidArgument,
                ApiError.Unauthenticated => Code.Unauthenticated,
                ApiError.PermissionDenied => Code.PermissionDenied,
                _ => Code.Unavailable,
            }),
            Message = ApiFace.Grpc.Describe(e),
        };
        if (e.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(e.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Message }));
            status.Details.Add(Any.Pack(badRequest));
        }
        // gRPC's Retry-After: a refusal that is worth retrying says when.
        if (status.Code is (int)Code.Unavailable or (int)Code.ResourceExhausted)
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) }));
        return status.ToRpcException();
    }
}
