using Microsoft.Data.Sqlite;

namespace Orders.Actors.Hosting;

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
}
