using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Orders.Actors.Tests.Support;

/// <summary>
/// The PostgreSQL server the PostgreSQL variants of the specs run against: ORDERS_TEST_POSTGRES if set (CI sets it),
/// otherwise a throwaway cluster of this test process's own (scripts/postgres-throwaway.sh on a free port), stopped
/// and deleted when the process exits, so the test command leaves no server behind. Never skipped: fails saying how
/// to get one.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Admin = new(Locate);

    public static string AdminConnectionString => Admin.Value;

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("ORDERS_TEST_POSTGRES");
        return string.IsNullOrWhiteSpace(configured) ? ThrowawayPostgres.Start().ConnectionString : configured;
    }
}

/// <summary>A PostgreSQL server of this test process's own, which a spec may stop and start again (a database outage).</summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private readonly string _script;
    private readonly int _port;
    private readonly string _directory;

    public string ConnectionString { get; private set; } = "";

    private ThrowawayPostgres(string script, int port, string directory) => (_script, _port, _directory) = (script, port, directory);

    public static ThrowawayPostgres Start()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln"))) root = root.Parent;
        var script = root is null ? null : Path.Combine(root.FullName, "scripts", "postgres-throwaway.sh");
        if (script is null || !File.Exists(script))
            throw new InvalidOperationException("PostgreSQL specs need a server: set ORDERS_TEST_POSTGRES to an Npgsql connection string, or run scripts/postgres-throwaway.sh start");
        var port = FreePort();
        var server = new ThrowawayPostgres(script, port, Path.Combine(Path.GetTempPath(), $"orders-pg-tests-{Environment.ProcessId}-{port}"));
        server.Resume();
        // Not waited for: the test runner gives a finishing test host little time, and the stop must outlive it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    /// <summary>Starts the server (again), on the same port and data.</summary>
    public void Resume()
    {
        var (code, output, error) = Run("start");
        if (code != 0 || output.Length == 0)
            throw new InvalidOperationException(
                $"PostgreSQL specs need a server and none could be started ({error}). Install Debian's postgresql package " +
                "(apt-get install -y postgresql) so scripts/postgres-throwaway.sh can start one, or set ORDERS_TEST_POSTGRES.");
        ConnectionString = output;
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut), keeping its data.</summary>
    public void Stop()
    {
        var (code, _, error) = Run("stop");
        if (code != 0) throw new InvalidOperationException($"PostgreSQL on port {_port} did not stop: {error}");
    }

    public void Dispose() => Process.Start(new ProcessStartInfo("bash", ["-c", "\"$0\" stop; rm -rf \"$1\" \"$1.lock\"", _script, _directory])
    {
        UseShellExecute = false,
        Environment = { ["ORDERS_PG_PORT"] = _port.ToString(), ["ORDERS_PG_DIR"] = _directory },
    })?.Dispose();

    private (int Code, string Output, string Error) Run(string verb)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(verb);
        start.Environment["ORDERS_PG_PORT"] = _port.ToString();
        start.Environment["ORDERS_PG_DIR"] = _directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
