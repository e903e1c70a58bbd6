using System.Data.Common;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace Orders.Actors.Journal;

public static class SqliteDatabase
{
    /// <summary>
    /// Creates the file's folder and switches the file to WAL once, before Akka opens it: WAL sticks to the file and
    /// roughly doubles journal throughput over the rollback journal.
    /// </summary>
    public static void Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite database {builder.DataSource} refused WAL mode (got '{mode}')");
    }

    /// <summary>How long a statement waits inside SQLite for another connection's write lock.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Journal, snapshot store and read journal connections that wait for SQLite's write lock inside SQLite. Without
    /// it Microsoft.Data.Sqlite answers SQLITE_BUSY by sleeping 150 ms on the calling thread and trying again:
    /// measured, a snapshot save colliding with a journal batch stalled every order for 150 ms several times a
    /// second (2.2 s of sleep in 10 s at 64 callers). SQLite's own busy handler retries within a millisecond or two.
    /// </summary>
    public static MultiDataOptionsSetup WaitForLocksInside(string connectionString, string linqToDbProvider, params string[] pluginIds)
    {
        var options = new DataOptions()
            .UseConnectionString(linqToDbProvider, connectionString)
            .UseAfterConnectionOpened(
                WaitForLocks,
                (connection, _) =>
                {
                    WaitForLocks(connection);
                    return Task.CompletedTask;
                });
        var setup = new MultiDataOptionsSetup();
        foreach (var pluginId in pluginIds) setup.AddDataOptions(pluginId, options);
        return setup;
    }

    /// <summary>Makes <paramref name="connection"/> wait inside SQLite, up to <see cref="BusyTimeout"/>, for a lock another connection holds.</summary>
    public static void WaitForLocks(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};";
        command.ExecuteNonQuery();
    }
}
