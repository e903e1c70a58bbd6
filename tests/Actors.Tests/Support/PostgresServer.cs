using System.Diagnostics;
using Orders.Bench.Target;

namespace Orders.Actors.Tests.Support;

/// <summary>
/// The PostgreSQL server the PostgreSQL variants of the specs run against: ORDERS_TEST_POSTGRES if set (CI sets it),
/// otherwise a throwaway cluster of this test process's own (scripts/postgres-throwaway.sh on a free port), stopped
/// and deleted when the process ends, also when it is killed (the script's watchdog on this process), so the test
/// command leaves no server behind. Never skipped: fails saying how to get one.
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

    /// <param name="owner">The process the server lives as long as: this one unless given.</param>
    public static ThrowawayPostgres Start(int? owner = null)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln"))) root = root.Parent;
        var script = root is null ? null : Path.Combine(root.FullName, "scripts", "postgres-throwaway.sh");
        if (script is null || !File.Exists(script))
            throw new InvalidOperationException("PostgreSQL specs need a server: set ORDERS_TEST_POSTGRES to an Npgsql connection string, or run scripts/postgres-throwaway.sh start");
        var port = ListeningPorts.Free();
        owner ??= Environment.ProcessId;
        var server = new ThrowawayPostgres(script, port, Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{owner}-{port}"));
        // The watchdog stops it when the owner is gone, even killed; a spec that is done with it stops it sooner.
        server.Resume(owner);
        return server;
    }

    /// <summary>Where the throwaway servers of test processes keep their data: /tmp/orders-pg-tests-PID-PORT.</summary>
    public const string DirectoryPrefix = "orders-pg-tests-";

    public int Port => _port;
    public string Directory => _directory;

    /// <summary>Starts the server (again), on the same port and data; with an owner, it goes when that process goes.</summary>
    public void Resume(int? owner = null)
    {
        var (code, output, error) = Run("start", owner);
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

    public void Dispose()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", "\"$0\" stop; rm -rf \"$1\" \"$1.lock\"", _script, _directory])
        {
            UseShellExecute = false,
            Environment = { ["ORDERS_PG_PORT"] = _port.ToString(), ["ORDERS_PG_DIR"] = _directory },
        });
        process?.WaitForExit(TimeSpan.FromSeconds(30));
    }

    private (int Code, string Output, string Error) Run(string verb, int? owner = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(verb);
        start.Environment["ORDERS_PG_PORT"] = _port.ToString();
        start.Environment["ORDERS_PG_DIR"] = _directory;
        if (owner is not null) start.Environment["ORDERS_PG_OWNER_PID"] = owner.ToString();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }
}
