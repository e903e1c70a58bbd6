using Grpc.Core;
using Grpc.Net.Client;

namespace Orders.Bench.Chaos;

/// <summary>A real gRPC client sending bytes of our choosing as the request message: what a broken or hostile client sends.</summary>
public static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static async Task<StatusCode> CallAsync(GrpcChannel channel, string service, string method, byte[] message)
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, method, Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), message);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>A protobuf length-delimited field (a string, bytes or message) with the given raw content.</summary>
    public static byte[] Field(int number, byte[] content) => [(byte)((number << 3) | 2), (byte)content.Length, .. content];
}
