using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using Orders.Actors.Hosting;
using Orders.Actors.OrderIndex;
using Orders.Actors.Providers;
using Orders.Actors.Workflows;
using Orders.Gateway.Application;
using Orders.Gateway.Grpc;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using AdminV1 = Orders.Contracts.Admin.V1;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Admin;

/// <summary>
/// The operator's API of this node (orders.admin.v1), split by palette: cluster, sharding, orders, steps and
/// operations (services, faults, stock, analytics). Access is checked by <see cref="AdminAccessInterceptor"/>.
/// </summary>
public sealed partial class AdminGrpcService(
    ActorSystem system,
    ActorRegistry registry,
    OrderApplication application,
    OrderIndexStore index,
    OrderSystemOptions orders,
    GatewayOptions gateway,
    WorkflowDirectory workflows,
    IServiceProvider services) : AdminV1.AdminService.AdminServiceBase
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private static Timestamp? Stamp(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    /// <summary>Runs a call, turning the application's refusals into gRPC statuses and an actor that did not answer into UNAVAILABLE.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (OrderApiException e)
        {
            throw OrderGrpcService.ToRpcException(e);
        }
        catch (AskTimeoutException e)
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, $"no answer in time: {e.Message}"));
        }
    }

    private static RpcException Invalid(string field, string message) =>
        OrderGrpcService.ToRpcException(OrderApiException.Invalid([new Orders.Actors.Orders.FieldViolation(field, message)]));

    private static RpcException Precondition(string message) => OrderGrpcService.ToRpcException(new OrderApiException(ApiError.FailedPrecondition, message));

    private IActorRef? Registered<TKey>() => registry.TryGet<TKey>(out var actor) ? actor : null;
}
