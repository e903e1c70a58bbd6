using System.Diagnostics;
using Orders.Bench.Target;
using Grpc.Net.Client;
using Orders.Contracts.V1;

namespace Orders.Gateway.Tests.Support;

/// <summary>The gateway as its own OS process, started the way a user starts it, so a test can kill -9 it.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _log = new();

    private GatewayProcess(Process process, int grpcPort, int httpPort)
    {
        _process = process;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpPort = httpPort;
        Channel = GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { HttpHandler = GatewayServer.Handler() });
        Client = new OrderService.OrderServiceClient(Channel);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        process.OutputDataReceived += (_, e) => { lock (_log) _log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri GrpcAddress { get; }
    public int HttpPort { get; }
    public GrpcChannel Channel { get; }
    public OrderService.OrderServiceClient Client { get; }
    public HttpClient Http { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static int FreePort() => ListeningPorts.Free();

    /// <summary>A gateway on a new SQLite file and free ports, with instant simulated providers and SKU-1 in stock.</summary>
    public static Task<GatewayProcess> StartFreshAsync(params string[] settings)
    {
        var database = GatewayServer.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        return StartAsync(database, FreePort(), FreePort(), ["--Orders:SimulationProfile=instant", "--Orders:InitialStock:SKU-1=100000", .. settings]);
    }

    /// <summary>A gateway on its own SQLite file.</summary>
    public static Task<GatewayProcess> StartAsync(string database, int grpcPort, int httpPort, params string[] settings) =>
        StartInAsync(Path.GetDirectoryName(database)!, grpcPort, httpPort, [$"--Orders:Persistence:SqlitePath={database}", .. settings]);

    public static async Task<GatewayProcess> StartInAsync(string workingDirectory, int grpcPort, int httpPort, params string[] settings)
    {
        var gateway = typeof(GatewayHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[gateway, $"--Gateway:GrpcPort={grpcPort}", $"--Gateway:HttpPort={httpPort}",
                     .. GatewayServer.FastSettings, .. settings])
            start.ArgumentList.Add(arg);
        var process = new GatewayProcess(Process.Start(start)!, grpcPort, httpPort);
        await process.WaitUntilReadyAsync();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await Http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the gateway process did not become ready:\n{Log}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no handover; whatever was in flight is simply gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an operator's stop does: the node leaves the cluster through CoordinatedShutdown.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan within)
    {
        var started = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return started.Elapsed;
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        // Set ORDERS_TEST_LOG_DIR to keep every node's log when chasing a failure.
        if (Environment.GetEnvironmentVariable("ORDERS_TEST_LOG_DIR") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            await File.WriteAllTextAsync(Path.Combine(logs, $"gateway-{_process.Id}.log"), Log);
        }
        Channel.Dispose();
        Http.Dispose();
        _process.Dispose();
    }
}
