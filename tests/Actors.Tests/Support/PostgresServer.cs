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
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln"))) root = root.Parent;
        var script = root is null ? null : Path.Combine(root.FullName, "scripts", "postgres-throwaway.sh");
        if (script is null || !File.Exists(script))
            throw new InvalidOperationException("PostgreSQL specs need a server: set ORDERS_TEST_POSTGRES to an Npgsql connection string, or run scripts/postgres-throwaway.sh start");
        var port = FreePort();
        var directory = Path.Combine(Path.GetTempPath(), $"orders-pg-tests-{Environment.ProcessId}-{port}");
        var (code, output, error) = Run(script, "start", port, directory);
        if (code != 0 || output.Length == 0)
            throw new InvalidOperationException(
                $"PostgreSQL specs need a server and none could be started ({error}). Install Debian's postgresql package " +
                "(apt-get install -y postgresql) so scripts/postgres-throwaway.sh can start one, or set ORDERS_TEST_POSTGRES.");
        // Not waited for: the test runner gives a finishing test host little time, and the stop must outlive it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Process.Start(new ProcessStartInfo("bash",
            ["-c", "\"$0\" stop; rm -rf \"$1\" \"$1.lock\"", script, directory])
        {
            UseShellExecute = false,
            Environment = { ["ORDERS_PG_PORT"] = port.ToString(), ["ORDERS_PG_DIR"] = directory },
        })?.Dispose();
        return output;
    }

    private static (int Code, string Output, string Error) Run(string script, string verb, int port, string directory)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        start.Environment["ORDERS_PG_PORT"] = port.ToString();
        start.Environment["ORDERS_PG_DIR"] = directory;
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
