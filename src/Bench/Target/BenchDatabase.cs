using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orders.Bench.Target;

public enum DatabaseKind { Sqlite, PostgreSql }

/// <summary>A fresh database for one benchmark target: a SQLite file, or a new database on a PostgreSQL server.</summary>
public sealed class BenchDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orders-bench", Guid.NewGuid().ToString("N"));
    private readonly string? _postgresAdmin;
    private readonly string? _postgresDatabase;

    public BenchDatabase(DatabaseKind kind, string? postgresAdmin)
    {
        Kind = kind;
        Directory.CreateDirectory(_directory);
        if (kind == DatabaseKind.Sqlite)
        {
            ConnectionString = $"Data Source={Path.Combine(_directory, "orders.db")};Pooling=True;Default Timeout=30";
            GatewaySettings = [$"--Orders:Persistence:SqlitePath={Path.Combine(_directory, "orders.db")}"];
            return;
        }
        _postgresAdmin = postgresAdmin ?? throw new InvalidOperationException("PostgreSQL needs a server: pass --postgres CONNECTION or run scripts/postgres-throwaway.sh start");
        _postgresDatabase = $"orders_bench_{Guid.NewGuid():N}";
        Execute(_postgresAdmin, $"CREATE DATABASE {_postgresDatabase}");
        ConnectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = _postgresDatabase, MaxPoolSize = 100 }.ConnectionString;
        GatewaySettings = ["--Orders:Persistence:Provider=PostgreSql", $"--Orders:Persistence:ConnectionString={ConnectionString}"];
    }

    public DatabaseKind Kind { get; }
    /// <summary>The folder holding the SQLite files (journal, index and their WAL files).</summary>
    public string SqliteDirectory => _directory;
    public string ConnectionString { get; }
    public string[] GatewaySettings { get; }
    public string Name => Kind == DatabaseKind.Sqlite ? "SQLite" : "PostgreSQL";

    public DbConnection Open()
    {
        DbConnection connection = Kind == DatabaseKind.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    public long JournalRows() => Scalar("SELECT COUNT(*) FROM journal");

    /// <summary>Journal rows other than the shard coordinators' own bookkeeping (which shard lives where).</summary>
    public long RowsOutsideShardCoordinators() => Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id NOT LIKE '%Coordinator'");

    /// <summary>
    /// Finds the PostgreSQL server: the given connection string, ORDERS_BENCH_POSTGRES, ORDERS_TEST_POSTGRES, or else a
    /// throwaway server of this process's own (the script's watchdog stops and deletes it when this process ends).
    /// </summary>
    public static string LocatePostgres(string? given)
    {
        foreach (var candidate in new[] { given, Environment.GetEnvironmentVariable("ORDERS_BENCH_POSTGRES"), Environment.GetEnvironmentVariable("ORDERS_TEST_POSTGRES") })
            if (!string.IsNullOrWhiteSpace(candidate)) return candidate;
        var port = NodeProcess.FreePorts().Grpc;
        var (code, output, error) = RunThrowawayScript("start", port, Path.Combine(Path.GetTempPath(), $"orders-pg-bench-{Environment.ProcessId}-{port}"), ownedByThisProcess: true);
        return code == 0 && output.Length > 0
            ? output
            : throw new InvalidOperationException($"could not start PostgreSQL ({error}); install Debian's postgresql package or pass --postgres CONNECTION");
    }

    /// <summary>
    /// scripts/postgres-throwaway.sh with a verb; <paramref name="port"/> and <paramref name="directory"/> pick a server of
    /// its own, which <paramref name="ownedByThisProcess"/> stops and deletes when this process ends, however it ends.
    /// </summary>
    public static (int Code, string Output, string Error) RunThrowawayScript(string verb, int? port = null, string? directory = null, bool ownedByThisProcess = false)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Actors.sln"))) root = root.Parent;
        var script = root is null ? null : Path.Combine(root.FullName, "scripts", "postgres-throwaway.sh");
        if (script is null || !File.Exists(script))
            throw new InvalidOperationException("PostgreSQL runs need a server: pass --postgres CONNECTION, set ORDERS_BENCH_POSTGRES, or run scripts/postgres-throwaway.sh start");
        var start = new ProcessStartInfo("bash", [script, verb]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (port is not null) start.Environment["ORDERS_PG_PORT"] = port.ToString();
        if (directory is not null) start.Environment["ORDERS_PG_DIR"] = directory;
        if (ownedByThisProcess) start.Environment["ORDERS_PG_OWNER_PID"] = Environment.ProcessId.ToString();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The immutable flag on the database files, their write-ahead logs and the folder: even open descriptors cannot
    /// write. Not on the -shm files: SQLite maps them into memory, and a mapped page that cannot be written is a SIGBUS
    /// (a crash, not an outage).
    /// </summary>
    public static void SetSqliteWritable(string directory, bool writable)
    {
        var flag = writable ? "-i" : "+i";
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true };
        start.ArgumentList.Add(flag);
        foreach (var file in Directory.GetFiles(directory).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal))) start.ArgumentList.Add(file);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"chattr {flag} failed ({error.Trim()}): the SQLite outage needs root and a file system with the immutable flag (ext4, xfs)");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (_postgresDatabase is null) return;
        NpgsqlConnection.ClearAllPools();
        Execute(_postgresAdmin!, $"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)");
    }
}
