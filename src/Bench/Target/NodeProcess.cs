using System.Diagnostics;
using Grpc.Net.Client;
using Orders.Contracts.V1;
using Orders.Gateway;

namespace Orders.Bench.Target;

/// <summary>
/// A gateway node as its own OS process (`dotnet Orders.Gateway.dll`), so that it can be killed with SIGKILL and its
/// memory read from /proc without the load generator's. It keeps its ports across restarts, as a real node would.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;
    private readonly Queue<string> _lastLines = new();

    private NodeProcess(Process process, NodePorts ports)
    {
        _process = process;
        Ports = ports;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) },
        });
        Client = new OrderService.OrderServiceClient(_channel);
        Rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public NodePorts Ports { get; }
    public OrderService.OrderServiceClient Client { get; }
    public HttpClient Rest { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the node wrote, for the error message when it misbehaves.</summary>
    public string LastLines
    {
        get { lock (_lastLines) return string.Join('\n', _lastLines); }
    }

    public static NodePorts FreePorts() => new(ListeningPorts.Free(), ListeningPorts.Free());

    /// <summary>Starts the node and returns once it is running; <see cref="WaitReadyAsync"/> then waits for readiness.</summary>
    public static NodeProcess Start(string workingDirectory, NodePorts ports, IEnumerable<string> settings)
    {
        Directory.CreateDirectory(workingDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[typeof(GatewayHost).Assembly.Location, $"--Gateway:GrpcPort={ports.Grpc}", $"--Gateway:HttpPort={ports.Http}",
                     "--Logging:LogLevel:Default=Warning", "--Orders:AkkaLogLevel=WARNING", "--Orders:Webhooks:Secret=bench-node-secret", .. settings])
            start.ArgumentList.Add(arg);
        return new NodeProcess(Process.Start(start)!, ports);
    }

    /// <summary>Waits until /health/ready answers 200; returns how long that took.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the node exited with {_process.ExitCode}:\n{LastLines}");
            try
            {
                using var response = await Rest.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return watch.Elapsed;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the node was not ready within {within.TotalSeconds:0} s:\n{LastLines}");
    }

    /// <summary>SIGKILL: no shutdown hooks, nothing flushed; whatever was in flight is simply gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Resident memory of the node process (VmRSS), from /proc.</summary>
    public long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _channel.Dispose();
        Rest.Dispose();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 200) _lastLines.Dequeue();
        }
    }
}

public sealed record NodePorts(int Grpc, int Http);
