using Grpc.Core;
using Grpc.Core.Interceptors;
using Orders.Gateway.Application;
using Orders.Gateway.Grpc;
using Orders.Gateway.Security;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Admin;

/// <summary>
/// Every admin call is an operator action (<see cref="CallerAccess.RequireOperator"/>, the same rule as the REST
/// operator endpoints), checked before the method runs, so a refused call does nothing at all.
/// </summary>
public sealed class AdminAccessInterceptor(CallerAccess access) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(request, responseStream, context);
    }

    private void Require(ServerCallContext context)
    {
        try
        {
            access.RequireOperator(CallerAccess.Identify(context.GetHttpContext()), $"the admin API ({context.Method})");
        }
        catch (OrderApiException e)
        {
            throw OrderGrpcService.ToRpcException(e);
        }
    }
}
