using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Orders.Bench.Target;

namespace Orders.Gateway.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's package) on a free loopback port, scraping the given targets every second, with its
/// own configuration and storage in a temporary folder. A watchdog stops it if the test host dies first.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringWriter _log = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => { lock (_log) _log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Api { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="targets">host:port of each node's HTTP port; scraped at /metrics.</param>
    /// <param name="bearer">The admin token, for nodes that have one.</param>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<string> targets, string? bearer = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} not found: these specs need a real Prometheus, Debian's package 'prometheus' (apt-get install -y prometheus; .ci/run installs it)");
        var directory = Directory.CreateTempSubdirectory("orders-prometheus-tests-").FullName;
        var port = ListeningPorts.Free();
        var authorization = bearer is null ? "" : $"\n    authorization:\n      credentials: '{bearer}'";
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: orders
                scrape_interval: 1s
                scrape_timeout: 900ms
                metrics_path: /metrics{authorization}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[$"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1h"])
            start.ArgumentList.Add(arg);
        var server = new PrometheusServer(Process.Start(start)!, directory, port);
        Watchdog(Environment.ProcessId, server._process.Id);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Kills Prometheus once the test host is gone, however it went.</summary>
    private static void Watchdog(int owner, int prometheus)
    {
        var watch = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "tail --pid=\"$1\" -f /dev/null; kill \"$2\" 2>/dev/null", "watchdog", owner.ToString(CultureInfo.InvariantCulture),
                     prometheus.ToString(CultureInfo.InvariantCulture)])
            watch.ArgumentList.Add(arg);
        Process.Start(watch);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await Api.GetAsync("/-/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"prometheus was not ready within 30 s:\n{Log}");
    }

    /// <summary>An instant query through the HTTP API: each series' value, or none.</summary>
    public async Task<IReadOnlyList<double>> QueryAsync(string promql)
    {
        using var reply = await Api.GetFromJsonAsync<JsonDocument>($"/api/v1/query?query={Uri.EscapeDataString(promql)}")
            ?? throw new InvalidOperationException("empty answer from prometheus");
        var data = reply.RootElement.GetProperty("data");
        return data.GetProperty("result").EnumerateArray()
            .Select(series => double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The single value of a query that sums to one series, or null while it has none.</summary>
    public async Task<double?> ScalarAsync(string promql) => (await QueryAsync(promql)) is [var value] ? value : null;

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
