using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Orders.Actors.Hosting;
using Orders.Actors.Journal;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Journal;

/// <summary>
/// The journal on a real node and a real database: what it writes, persistent actors recover and
/// Akka.Persistence.Sql's read journal streams; concurrent writers, deletes and unserializable events behave as
/// Akka.Persistence requires.
/// </summary>
public abstract class DirectSqlJournalSpecs(PersistenceProvider provider) : IAsyncLifetime
{
    private readonly TestDatabase _database = new(provider);
    private OrderNode _node = null!;

    public async Task InitializeAsync() => _node = await OrderNode.StartAsync(_database, new SimulatedProviders());

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public void The_node_runs_this_journal()
    {
        Assert.StartsWith(typeof(DirectSqlJournal).FullName!, _node.System.Settings.Config.GetString("akka.persistence.journal.sql.class"));
    }

    [Fact]
    public async Task Events_come_back_in_order_after_a_restart_and_tagged_ones_reach_the_read_journal()
    {
        var ledger = Start("ledger-a");
        Assert.Equal(1L, await Ask<long>(ledger, new Ledger.Append(["one"])));
        Assert.Equal(4L, await Ask<long>(ledger, new Ledger.Append(["two", "three", "four"], Tag: "spec")));
        await Stop(ledger);

        var again = Start("ledger-a");
        Assert.Equal(["one", "two", "three", "four"], await Ask<string[]>(again, Ledger.Read.Instance));
        Assert.Equal(5L, await Ask<long>(again, new Ledger.Append(["five"], Tag: "spec")));

        var tagged = await ReadJournal().CurrentEventsByTag("spec", Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), _node.System.Materializer());
        Assert.Equal(["two", "three", "four", "five"], tagged.Select(e => (string)e.Event));
        Assert.Equal([2L, 3L, 4L, 5L], tagged.Select(e => e.SequenceNr));
        Assert.True(tagged.Select(e => ((Sequence)e.Offset).Value).SequenceEqual(tagged.Select(e => ((Sequence)e.Offset).Value).Order()));
    }

    [Fact]
    public async Task Concurrent_writers_are_batched_without_losing_or_reordering_an_event()
    {
        var ledgers = Enumerable.Range(0, 40).Select(i => Start($"busy-{i}")).ToList();
        await Task.WhenAll(ledgers.Select(async ledger =>
        {
            for (var n = 1; n <= 10; n++) await Ask<long>(ledger, new Ledger.Append([$"e{n}"], Tag: "busy"));
        }));
        await Task.WhenAll(ledgers.Select(Stop));

        foreach (var i in new[] { 0, 17, 39 })
            Assert.Equal(Enumerable.Range(1, 10).Select(n => $"e{n}"), await Ask<string[]>(Start($"busy-{i}"), Ledger.Read.Instance));
        var tagged = await ReadJournal().CurrentEventsByTag("busy", Offset.NoOffset())
            .RunWith(Sink.Seq<EventEnvelope>(), _node.System.Materializer());
        Assert.Equal(400, tagged.Count);
        Assert.All(tagged.GroupBy(e => e.PersistenceId), g => Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), g.Select(e => e.SequenceNr)));
    }

    [Fact]
    public async Task After_a_delete_recovery_skips_the_deleted_events_and_numbering_goes_on()
    {
        var ledger = Start("ledger-d");
        await Ask<long>(ledger, new Ledger.Append(["a", "b", "c"]));
        Assert.Equal("deleted to 3", await Ask<string>(ledger, new Ledger.DeleteTo(3)));
        await Stop(ledger);

        var again = Start("ledger-d");
        Assert.Empty(await Ask<string[]>(again, Ledger.Read.Instance));
        Assert.Equal(4L, await Ask<long>(again, new Ledger.Append(["d"])));
        await Stop(again);
        Assert.Equal(["d"], await Ask<string[]>(Start("ledger-d"), Ledger.Read.Instance));
    }

    [Fact]
    public async Task An_event_that_cannot_be_serialized_is_rejected_alone()
    {
        var ledger = Start("ledger-r");
        Assert.Equal(1L, await Ask<long>(ledger, new Ledger.Append(["kept"])));
        Assert.StartsWith("rejected:", await Ask<string>(ledger, Ledger.AppendUnserializable.Instance));
        // The rejected event used up its sequence number (Akka.Persistence semantics); nothing of it was stored.
        Assert.Equal(3L, await Ask<long>(ledger, new Ledger.Append(["also kept"])));
        await Stop(ledger);
        Assert.Equal(["kept", "also kept"], await Ask<string[]>(Start("ledger-r"), Ledger.Read.Instance));
    }

    private IActorRef Start(string id) => _node.System.ActorOf(Props.Create(() => new Ledger(id)));

    private static async Task Stop(IActorRef actor) => await actor.GracefulStop(TimeSpan.FromSeconds(10));

    private static Task<T> Ask<T>(IActorRef actor, object message) => actor.Ask<T>(message, TimeSpan.FromSeconds(15));

    private SqlReadJournal ReadJournal() => PersistenceQuery.Get(_node.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
}

public sealed class DirectSqlJournalOnSqlite() : DirectSqlJournalSpecs(PersistenceProvider.Sqlite);

public sealed class DirectSqlJournalOnPostgreSql() : DirectSqlJournalSpecs(PersistenceProvider.PostgreSql);
