using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Connection;

/// <summary>One node's admin API: the channel, the bearer token on every call, and gRPC errors turned into one-line failures.</summary>
public sealed class NodeConnection : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    private readonly GrpcChannel _channel;
    private readonly string? _token;

    public NodeConnection(string node, string? token)
    {
        Node = node;
        _token = token;
        var address = node.Contains("://") ? node : $"http://{node}";
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host))
            throw new UsageException($"--node must be host:port (or https://host:port), not '{node}'");
        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) } });
        Admin = new AdminV1.AdminService.AdminServiceClient(_channel);
    }

    public string Node { get; }

    public AdminV1.AdminService.AdminServiceClient Admin { get; }

    /// <summary>Unary calls end after a while; streams (tail, watch, replay) only when done or cancelled.</summary>
    public CallOptions Options(CancellationToken ct, bool stream = false) =>
        new(Headers(), stream ? null : DateTime.UtcNow + CallTimeout, ct);

    private Metadata Headers()
    {
        var headers = new Metadata();
        if (_token is not null) headers.Add("authorization", $"Bearer {_token}");
        return headers;
    }

    /// <summary>Runs one call; whatever goes wrong becomes a <see cref="CliFailure"/> with a clear one-line message.</summary>
    public async Task<T> Call<T>(Func<CallOptions, Task<T>> call, CancellationToken ct, bool stream = false)
    {
        try
        {
            return await call(Options(ct, stream));
        }
        catch (RpcException e)
        {
            throw Translate(e);
        }
    }

    public CliFailure Translate(RpcException e)
    {
        if (e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is HttpRequestException or SocketException or IOException)
            return new CliFailure(ExitCodes.Unreachable, $"cannot reach node {Node}: {Innermost(e.Status.DebugException).Message} (is it running? see --node)");
        if (e.StatusCode == StatusCode.Unimplemented)
            return new CliFailure(ExitCodes.Failed, $"node {Node} offers no admin API (an older build, or a non-loopback node without Orders:Admin:Token)");
        return e.StatusCode switch
        {
            StatusCode.Unauthenticated => new CliFailure(ExitCodes.Unauthenticated,
                _token is null ? $"node {Node} wants the admin token: pass --token or set {GlobalOptions.TokenVariable} ({e.Status.Detail})"
                               : $"node {Node} refused the admin token ({e.Status.Detail})"),
            StatusCode.PermissionDenied => new CliFailure(ExitCodes.Unauthenticated, $"permission denied: {e.Status.Detail}"),
            StatusCode.DeadlineExceeded => new CliFailure(ExitCodes.Failed, $"node {Node} did not answer within {CallTimeout.TotalSeconds:0} s"),
            StatusCode.Cancelled => new CliFailure(ExitCodes.Failed, "cancelled"),
            _ => new CliFailure(ExitCodes.Failed, e.Status.Detail),
        };
    }

    private static Exception Innermost(Exception? e)
    {
        while (e?.InnerException is not null) e = e.InnerException;
        return e ?? new IOException("unknown transport error");
    }

    public void Dispose() => _channel.Dispose();
}
