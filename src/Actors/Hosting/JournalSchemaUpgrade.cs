using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orders.Actors.Hosting;

/// <summary>
/// Journals written before tags moved into the journal row (tag-write-mode TagTable, before 2026-11-25) get the
/// tags column and have it filled from the tag table, once, before Akka opens the database: their events keep
/// reaching the event-stream consumers.
/// </summary>
public static class JournalSchemaUpgrade
{
    public static bool Apply(PersistenceOptions persistence)
    {
        using DbConnection connection = persistence.Provider == PersistenceProvider.Sqlite
            ? new SqliteConnection(persistence.ResolvedConnectionString)
            : new NpgsqlConnection(persistence.ResolvedConnectionString);
        connection.Open();
        var sqlite = persistence.Provider == PersistenceProvider.Sqlite;
        if (!Exists(connection, sqlite
                ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
                : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'journal'"))
            return false;
        if (Exists(connection, sqlite
                ? "SELECT 1 FROM pragma_table_info('journal') WHERE name = 'tags'"
                : "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'journal' AND column_name = 'tags'"))
            return false;
        var hasTagTable = Exists(connection, sqlite
            ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tags'"
            : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'tags'");
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, sqlite ? "ALTER TABLE journal ADD COLUMN tags NVarChar(100) NULL" : "ALTER TABLE journal ADD COLUMN tags varchar(100) NULL");
        if (hasTagTable)
            Execute(connection, transaction, sqlite
                ? "UPDATE journal SET tags = ';' || (SELECT group_concat(tag, ';') FROM tags WHERE tags.ordering_id = journal.ordering) || ';' WHERE ordering IN (SELECT ordering_id FROM tags)"
                : "UPDATE journal SET tags = ';' || t.joined || ';' FROM (SELECT ordering_id, string_agg(tag, ';') AS joined FROM tags GROUP BY ordering_id) t WHERE journal.ordering = t.ordering_id");
        transaction.Commit();
        return true;
    }

    private static bool Exists(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is not null;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
