using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Orders.Gateway.Diagnostics;

/// <summary>
/// A handler fault becomes INTERNAL with a plain message (the details stay in the server's log, rate-limited by
/// <see cref="ErrorLog"/>) instead of UNKNOWN with a stack trace per call. RpcExceptions pass through as they are.
/// </summary>
public sealed class ServerErrorInterceptor(ErrorLog errors) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (IsFault(e, context))
        {
            throw Internal(context, e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (IsFault(e, context))
        {
            throw Internal(context, e);
        }
    }

    private static bool IsFault(Exception e, ServerCallContext context) =>
        e is not RpcException && !(e is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    private RpcException Internal(ServerCallContext context, Exception e)
    {
        errors.Write(context.Method, e);
        return new RpcException(new Status(StatusCode.Internal, "the server failed to handle the call; the failure is logged on the server"));
    }
}
