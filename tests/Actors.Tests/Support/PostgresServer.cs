using System.Diagnostics;

namespace Orders.Actors.Tests.Support;

/// <summary>
/// The PostgreSQL server the PostgreSQL variants of the specs run against: ORDERS_TEST_POSTGRES if set (CI sets it),
/// otherwise a throwaway cluster started by scripts/postgres-throwaway.sh. Never skipped: fails saying how to start one.
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
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("start");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || output.Length == 0)
            throw new InvalidOperationException(
                $"PostgreSQL specs need a server and none could be started ({error}). Install Debian's postgresql package " +
                "(apt-get install -y postgresql) so scripts/postgres-throwaway.sh can start one, or set ORDERS_TEST_POSTGRES.");
        return output;
    }
}
