using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orders.Actors.Hosting;

namespace Orders.Actors.Tests.Support;

/// <summary>A fresh, real database for one test: a SQLite file in a temporary folder, or a new PostgreSQL database.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orders-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _postgresDatabase;

    public TestDatabase(PersistenceProvider provider = PersistenceProvider.Sqlite)
    {
        Provider = provider;
        Directory.CreateDirectory(_directory);
        if (provider != PersistenceProvider.PostgreSql) return;
        _postgresDatabase = $"orders_test_{Guid.NewGuid():N}";
        using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        admin.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {_postgresDatabase}", admin);
        create.ExecuteNonQuery();
    }

    public PersistenceProvider Provider { get; }

    public string SqlitePath => Path.Combine(_directory, "orders.db");

    private string? PostgresConnectionString => _postgresDatabase is null
        ? null
        : new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = _postgresDatabase, MaxPoolSize = 50 }.ConnectionString;

    public PersistenceOptions Options() => Provider == PersistenceProvider.Sqlite
        ? new() { Provider = PersistenceProvider.Sqlite, SqlitePath = SqlitePath }
        : new() { Provider = PersistenceProvider.PostgreSql, ConnectionString = PostgresConnectionString };

    public long CountRows(string table) => Scalar($"SELECT COUNT(*) FROM {table}");

    /// <param name="index">In the read models' database (on SQLite a file of its own), else the journal's.</param>
    public long Scalar(string sql, bool index = false) => Convert.ToInt64(Run(sql, index, c => c.ExecuteScalar()));

    /// <summary>Runs statements against the database directly, as an older build or an operator would.</summary>
    /// <param name="index">In the read models' database (on SQLite a file of its own), else the journal's.</param>
    public void Execute(string sql, bool index = false) => Run(sql, index, c => c.ExecuteNonQuery());

    private T Run<T>(string sql, bool index, Func<DbCommand, T> run)
    {
        using DbConnection connection = Provider == PersistenceProvider.Sqlite
            ? new SqliteConnection(index ? Options().ResolvedIndexConnectionString : $"Data Source={SqlitePath}")
            : new NpgsqlConnection(PostgresConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return run(command);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (_postgresDatabase is null) return;
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        admin.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)", admin);
        drop.ExecuteNonQuery();
    }
}
