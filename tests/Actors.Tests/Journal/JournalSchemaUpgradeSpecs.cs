using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orders.Actors.Hosting;
using Orders.Actors.Journal;
using Orders.Actors.Tests.Support;

namespace Orders.Actors.Tests.Journal;

/// <summary>A journal written with the tag table (before tags moved into the row) is upgraded in place, once.</summary>
public abstract class JournalSchemaUpgradeSpecs(PersistenceProvider provider) : IDisposable
{
    private readonly TestDatabase _database = new(provider);

    [Fact]
    public void An_old_journal_gets_its_tags_into_the_row_and_a_second_start_changes_nothing()
    {
        var options = _database.Options();
        if (provider == PersistenceProvider.Sqlite) SqliteDatabase.Prepare(options.ResolvedConnectionString);
        Assert.False(JournalSchemaUpgrade.Apply(options)); // nothing to upgrade in an empty database

        Execute(options, provider == PersistenceProvider.Sqlite
            ? """
              CREATE TABLE journal (ordering INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL, deleted Bit NOT NULL,
                persistence_id NVarChar(255) NOT NULL, sequence_number INTEGER NOT NULL, message VarBinary NOT NULL,
                manifest NVarChar(500) NULL, identifier INTEGER NULL, writer_uuid NVarChar(128) NULL);
              CREATE TABLE tags (ordering_id INTEGER NOT NULL, tag NVarChar(64) NOT NULL, sequence_nr INTEGER NOT NULL, persistence_id NVarChar(255) NOT NULL);
              """
            : """
              CREATE TABLE journal (ordering BIGSERIAL PRIMARY KEY, created BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
                persistence_id VARCHAR(255) NOT NULL, sequence_number BIGINT NOT NULL, message BYTEA NOT NULL,
                manifest VARCHAR(500) NULL, identifier INTEGER NULL, writer_uuid VARCHAR(128) NULL);
              CREATE TABLE tags (ordering_id BIGINT NOT NULL, tag VARCHAR(64) NOT NULL, sequence_nr BIGINT NOT NULL, persistence_id VARCHAR(255) NOT NULL);
              """);
        Execute(options, """
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message) VALUES (1, false, 'order-a', 1, X'01');
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message) VALUES (2, false, 'sku-1', 1, X'02');
            INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES (1, 'order', 1, 'order-a');
            """.Replace("X'01'", provider == PersistenceProvider.Sqlite ? "X'01'" : "'\\x01'::bytea").Replace("X'02'", provider == PersistenceProvider.Sqlite ? "X'02'" : "'\\x02'::bytea"));

        Assert.True(JournalSchemaUpgrade.Apply(options));
        Assert.Equal([";order;", null], Tags(options));
        Assert.False(JournalSchemaUpgrade.Apply(options));
        Assert.Equal([";order;", null], Tags(options));
    }

    private static DbConnection Open(PersistenceOptions options)
    {
        DbConnection connection = options.Provider == PersistenceProvider.Sqlite
            ? new SqliteConnection(options.ResolvedConnectionString)
            : new NpgsqlConnection(options.ResolvedConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(PersistenceOptions options, string sql)
    {
        using var connection = Open(options);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string?> Tags(PersistenceOptions options)
    {
        using var connection = Open(options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tags FROM journal ORDER BY ordering";
        using var reader = command.ExecuteReader();
        var tags = new List<string?>();
        while (reader.Read()) tags.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        return tags;
    }

    public void Dispose() => _database.Dispose();
}

public sealed class JournalSchemaUpgradeOnSqlite() : JournalSchemaUpgradeSpecs(PersistenceProvider.Sqlite);

public sealed class JournalSchemaUpgradeOnPostgreSql() : JournalSchemaUpgradeSpecs(PersistenceProvider.PostgreSql);
