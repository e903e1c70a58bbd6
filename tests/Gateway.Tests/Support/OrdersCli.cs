using System.Diagnostics;
using System.Text;
using Google.Protobuf;

namespace Orders.Gateway.Tests.Support;

/// <summary>The real `orders` CLI binary (src/Cli, built with the tests) run as a child process, as an operator runs it.</summary>
public static class OrdersCli
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public T Json<T>() where T : IMessage<T>, new() => JsonParser.Default.Parse<T>(Out.Trim());

        /// <summary>Streams (tail, watch, replay) print one JSON document per line.</summary>
        public IReadOnlyList<T> JsonLines<T>() where T : IMessage<T>, new() =>
            Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonParser.Default.Parse<T>(l)).ToList();

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    /// <summary>src/Cli/bin/&lt;same configuration as the tests&gt;/net10.0/orders.dll</summary>
    public static string Dll { get; } = Locate();

    private static string Locate()
    {
        var bin = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = bin.Parent!.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"no Actors.sln above {AppContext.BaseDirectory}");
        var dll = Path.Combine(root.FullName, "src", "Cli", "bin", configuration, bin.Name, "orders.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the CLI is not built at {dll} (the test project references src/Cli so a build makes it)");
    }

    /// <summary>Start info for `dotnet orders.dll args`, with none of the operator's own environment (token, node, history) leaking in.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? token = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("ORDERS_NODE");
        start.Environment["ORDERS_HISTORY"] = "";
        if (token is null) start.Environment.Remove("ORDERS_ADMIN_TOKEN");
        else start.Environment["ORDERS_ADMIN_TOKEN"] = token;
        return start;
    }

    /// <summary>One command against the node whose gRPC port is <paramref name="node"/>; its exit code, stdout and stderr.</summary>
    public static async Task<Result> RunAsync(Uri node, params string[] args) => await RunAsTokenHolderAsync(node, null, args);

    public static async Task<Result> RunAsTokenHolderAsync(Uri node, string? token, params string[] args) =>
        await RunAsync(["--node", $"{node.Host}:{node.Port}", .. args], token, TimeSpan.FromSeconds(90));

    public static async Task<Result> RunAsync(IEnumerable<string> args, string? token, TimeSpan within)
    {
        using var process = Process.Start(StartInfo(args, token))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`orders {string.Join(' ', args)}` did not finish within {within}: {await output}{await error}");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}
