using Akka.Actor;
using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Journal;

/// <summary>
/// DirectSqlJournal and Akka.Persistence.Sql's own journal read each other's rows: databases written by earlier
/// builds keep working, and removing the class line from hocon/persistence.hocon is a safe way back.
/// </summary>
public abstract class JournalWriterCompatibilitySpecs(PersistenceProvider provider) : IDisposable
{
    private readonly TestDatabase _database = new(provider);
    private readonly string _pluginWriterHocon = Path.Combine(Path.GetTempPath(), "orders-tests", $"hocon-{Guid.NewGuid():N}");

    [Fact]
    public async Task Each_writer_recovers_what_the_other_wrote()
    {
        Directory.CreateDirectory(_pluginWriterHocon);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hocon")))
        {
            var text = await File.ReadAllTextAsync(file);
            if (Path.GetFileName(file) == "persistence.hocon")
            {
                var withoutClass = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("class = \"Orders.Actors.Journal.DirectSqlJournal")));
                Assert.NotEqual(text.Length, withoutClass.Length);
                text = withoutClass;
            }
            await File.WriteAllTextAsync(Path.Combine(_pluginWriterHocon, Path.GetFileName(file)), text);
        }

        await using (var plugin = await StartAsync(usePluginWriter: true))
            Assert.Equal(2L, await Ask<long>(Ledger(plugin), new Ledger.Append(["a", "b"], Tag: "compat")));

        await using (var direct = await StartAsync(usePluginWriter: false))
        {
            var ledger = Ledger(direct);
            Assert.Equal(["a", "b"], await Ask<string[]>(ledger, Journal.Ledger.Read.Instance));
            Assert.Equal(3L, await Ask<long>(ledger, new Ledger.Append(["c"], Tag: "compat")));
        }

        await using (var plugin = await StartAsync(usePluginWriter: true))
            Assert.Equal(["a", "b", "c"], await Ask<string[]>(Ledger(plugin), Journal.Ledger.Read.Instance));
    }

    private Task<OrderNode> StartAsync(bool usePluginWriter) =>
        OrderNode.StartAsync(_database, new SimulatedProviders(), o =>
        {
            if (usePluginWriter) o.HoconDirectory = _pluginWriterHocon;
        });

    private static IActorRef Ledger(OrderNode node) => node.System.ActorOf(Props.Create(() => new Ledger("compat-ledger")));

    private static Task<T> Ask<T>(IActorRef actor, object message) => actor.Ask<T>(message, TimeSpan.FromSeconds(15));

    public void Dispose()
    {
        try { Directory.Delete(_pluginWriterHocon, recursive: true); } catch (IOException) { }
        _database.Dispose();
    }
}

public sealed class JournalWriterCompatibilityOnSqlite() : JournalWriterCompatibilitySpecs(PersistenceProvider.Sqlite);

public sealed class JournalWriterCompatibilityOnPostgreSql() : JournalWriterCompatibilitySpecs(PersistenceProvider.PostgreSql);
