using System.Data.Common;
using System.Diagnostics;
using Orders.Bench.Report;
using Orders.Bench.Target;

namespace Orders.Bench.Scenarios;

public sealed record InsertLimit(string Database, int Writers, int Batch, int PayloadBytes, double EventsPerSecond);

/// <summary>
/// What the database itself can take: journal rows (tagged, as order events are stored) inserted straight into a copy
/// of the journal table, in batches of the journal's size, by as many writers as it uses. No actors, no
/// serialization: the ceiling every end-to-end figure is a fraction of.
/// </summary>
public static class LimitScenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context)
    {
        if (context.Options.Target is not null)
            throw new ArgumentException("limit writes to the database directly; run it without --target");
        var results = new List<ScenarioResult>();
        foreach (var database in context.DatabasesFor(comparesDatabases: true))
        {
            // A gateway creates the schema, so the copies have exactly the journal's columns and indexes.
            await using var target = await context.TargetAsync(database, "instant");
            await target.WarmUpAsync(context.Options.Pick(50, 500), 8); // creates the journal and gives real event sizes
            var limit = await MeasureAsync(target.Database!, TimeSpan.FromSeconds(context.Options.Pick(2, 10)));
            var result = new ScenarioResult($"limit ({limit.Database})",
                $"{limit.Writers} writer(s), {limit.Batch} rows per transaction, {limit.PayloadBytes}-byte payloads, tagged journal rows");
            result.Add(new Figure("raw journal inserts", limit.EventsPerSecond, "events/s"));
            result.Data["limit"] = limit;
            results.Add(result);
        }
        return results;
    }

    public static async Task<InsertLimit> MeasureAsync(BenchDatabase database, TimeSpan duration)
    {
        // The same concurrency the journal is configured with (hocon/sqlite.hocon, hocon/postgresql.hocon).
        var writers = database.Kind == DatabaseKind.Sqlite ? 1 : 4;
        const int batch = 200;
        var payload = (int)Math.Clamp(database.Scalar("SELECT COALESCE(AVG(LENGTH(message)), 300) FROM journal"), 64, 4096);
        CreateCopies(database);
        long events = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Phases.TimedAsync($"limit: raw inserts into {database.Name}", duration, () => Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            await using var connection = database.Open();
            var bytes = new byte[payload];
            Random.Shared.NextBytes(bytes);
            for (var round = 0L; Stopwatch.GetTimestamp() < stopAt; round++)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await InsertJournalAsync(connection, transaction, $"limit-{w}-{round}", batch, bytes);
                await transaction.CommitAsync();
                Interlocked.Add(ref events, batch);
            }
        }))));
        var rate = events / clock.Elapsed.TotalSeconds;
        return new InsertLimit(database.Name, writers, batch, payload, rate);
    }

    private static void CreateCopies(BenchDatabase database)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        if (database.Kind == DatabaseKind.PostgreSql)
        {
            command.CommandText = "CREATE TABLE IF NOT EXISTS limit_journal (LIKE journal INCLUDING ALL)";
            command.ExecuteNonQuery();
            return;
        }
        command.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'journal' AND sql IS NOT NULL";
        var ddl = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) ddl.Add(reader.GetString(0));
        foreach (var statement in ddl)
        {
            using var create = connection.CreateCommand();
            // Table and index names are prefixed; "ON journal (" / "[journal]" forms both occur in the plugin's DDL.
            create.CommandText = statement
                .Replace("[journal]", "[limit_journal]").Replace("ON journal (", "ON limit_journal (").Replace("INDEX ", "INDEX limit_");
            create.ExecuteNonQuery();
        }
    }

    private static async Task InsertJournalAsync(DbConnection connection, DbTransaction transaction, string persistenceId, int rows, byte[] payload)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var created = DateTime.UtcNow.Ticks;
        command.CommandText = "INSERT INTO limit_journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid, tags) VALUES "
                              + string.Join(",", Enumerable.Range(1, rows).Select(i => $"({created}, false, @p, {i}, @m, 'order.step-succeeded.v1', 4242, @w, ';order;')"));
        Parameter(command, "@p", persistenceId);
        Parameter(command, "@m", payload);
        Parameter(command, "@w", "limit-writer");
        await command.ExecuteNonQueryAsync();
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
