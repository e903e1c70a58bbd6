using System.ComponentModel;
using Grpc.Core;
using Orders.Cli.Connection;
using Orders.Cli.Output;
using Spectre.Console.Cli;

namespace Orders.Cli.Commands;

/// <summary>Settings every command accepts; --node, --token and --json are global and taken out before parsing.</summary>
public class NoSettings : CommandSettings;

/// <summary>A command against the node's admin API: it gets the session and answers with an exit code.</summary>
public abstract class AdminCommand<TSettings> : AsyncCommand<TSettings> where TSettings : CommandSettings
{
    protected static Session Session => Session.Current;

    protected static NodeConnection Node => Session.Node;

    protected static Task<T> Call<T>(Func<CallOptions, Task<T>> call, CancellationToken ct) => Node.Call(call, ct);

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        await RunAsync(settings, cancellationToken);
        return ExitCodes.Ok;
    }

    protected abstract Task RunAsync(TSettings settings, CancellationToken ct);

    /// <summary>Reads a server stream to its end (or until Ctrl-C), translating failures.</summary>
    protected static async Task ReadStream<T>(AsyncServerStreamingCall<T> call, Action<T> onMessage, CancellationToken ct)
    {
        using (call)
        {
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(ct)) onMessage(message);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                // Ctrl-C: the normal end of a tail or a watch
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (RpcException e)
            {
                throw Node.Translate(e);
            }
        }
    }
}

/// <summary>The argument most commands take: what to act on.</summary>
public class TargetSettings : CommandSettings
{
    [CommandArgument(0, "<target>")]
    [Description("what to act on")]
    public string Target { get; init; } = "";
}
