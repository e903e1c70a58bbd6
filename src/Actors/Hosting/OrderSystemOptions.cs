using Orders.Actors.Analytics;
using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Providers;

namespace Orders.Actors.Hosting;

/// <summary>Everything an operator can set for one node; bound from the "Orders" configuration section.</summary>
public sealed class OrderSystemOptions
{
    public string SystemName { get; set; } = "orders";
    public NodeOptions Node { get; set; } = new();
    public PersistenceOptions Persistence { get; set; } = new();
    public OrderSettings Order { get; set; } = new();
    public SupervisionSettings Supervision { get; set; } = new();
    public AnalyticsSettings Analytics { get; set; } = new();
    public WebhookSettings Webhooks { get; set; } = new();
    /// <summary>"seed" (the chapter's latencies) or "instant" (no simulated latency).</summary>
    public string SimulationProfile { get; set; } = "seed";
    /// <summary>On by default (a fresh node simulates the outside world); turn it off for production: no simulated providers, no fault injection, the providers behind ProviderSimulatorUrl only.</summary>
    public SimulationOptions Simulations { get; set; } = new();
    /// <summary>
    /// A provider simulator shared by every node (see README, "cluster"); unset, each node simulates the outside world
    /// in its own memory, which is fine for one node but cannot keep idempotency keys across nodes.
    /// </summary>
    public string? ProviderSimulatorUrl { get; set; }
    public int InventorySnapshotEvery { get; set; } = 500;
    /// <summary>Stock given to SKUs that never had any, at start-up (a demo catalogue; real stock comes from SetStock).</summary>
    public Dictionary<string, long> InitialStock { get; set; } = new();
    /// <summary>Akka's own log level (DEBUG, INFO, WARNING, ERROR); the benchmarks turn it down to WARNING.</summary>
    public string AkkaLogLevel { get; set; } = "INFO";
    public string HoconDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "hocon");
}

public sealed class NodeOptions
{
    /// <summary>Remoting binds here; loopback unless an operator opens it up.</summary>
    public string Hostname { get; set; } = "127.0.0.1";
    /// <summary>0 picks a free port; a node that others join needs a fixed one.</summary>
    public int Port { get; set; }
    /// <summary>Empty: the node joins itself and forms a one-node cluster.</summary>
    public string[] SeedNodes { get; set; } = [];
    public string[] Roles { get; set; } = [];
    /// <summary>Mutual TLS between the nodes; required (by the gateway) when remoting listens beyond loopback.</summary>
    public RemotingTlsOptions Tls { get; set; } = new();
}

public sealed class SimulationOptions
{
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// One certificate shared by every node of the cluster (PKCS#12): each node presents it and accepts only peers that
/// present the same one (pinned by thumbprint), so nothing else can join or send messages. Addresses become akka.ssl.tcp://.
/// </summary>
public sealed class RemotingTlsOptions
{
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

public enum PersistenceProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class PersistenceOptions
{
    public PersistenceProvider Provider { get; set; } = PersistenceProvider.Sqlite;
    /// <summary>For PostgreSQL; for SQLite it overrides <see cref="SqlitePath"/> when given.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Kept out of the app's content root on purpose: a file watcher there costs throughput.</summary>
    public string SqlitePath { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "orders-backend", "orders.db");

    public string LinqToDbProvider => Provider switch
    {
        PersistenceProvider.Sqlite => "SQLite.MS",
        PersistenceProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new ArgumentOutOfRangeException(nameof(Provider)),
    };

    /// <summary>
    /// The order index (a read model) on SQLite lives in a file of its own next to the journal: SQLite has one writer
    /// per file, and index writes waiting on journal writes stalled actor threads in the driver's 150 ms busy sleep.
    /// On PostgreSQL it shares the journal's database.
    /// </summary>
    public OrderIndex.OrderIndexStore OrderIndex() => new(Provider == PersistenceProvider.PostgreSql, ResolvedIndexConnectionString, ResolvedConnectionString);

    public string ResolvedIndexConnectionString
    {
        get
        {
            if (Provider != PersistenceProvider.Sqlite) return ResolvedConnectionString;
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ResolvedConnectionString);
            builder.DataSource = Path.ChangeExtension(builder.DataSource, null) + ".index.db";
            return builder.ConnectionString;
        }
    }

    public string ResolvedConnectionString => Provider switch
    {
        PersistenceProvider.Sqlite => ConnectionString ?? $"Data Source={SqlitePath};Pooling=True;Default Timeout=30",
        _ => ConnectionString ?? throw new InvalidOperationException(
            "Persistence:ConnectionString is required for PostgreSQL, e.g. Host=127.0.0.1;Port=5432;Username=orders;Password=...;Database=orders"),
    };
}
