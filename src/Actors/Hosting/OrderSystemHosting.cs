using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql.Query;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using System.Security.Cryptography.X509Certificates;
using Orders.Actors.Analytics;
using Orders.Actors.Inventory;
using Orders.Actors.Journal;
using Orders.Actors.Messaging;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Serialization;
using Orders.Actors.Services;
using Orders.Actors.Telemetry;
using Orders.Actors.Workflows;
using Orders.Actors.Streams;
using Orders.Actors.Orders.Handlers;

namespace Orders.Actors.Hosting;

public static class OrderSystemHosting
{
    /// <summary>
    /// The whole order system on one node: cluster membership, persistence, the supervised services, the
    /// sharded orders and SKUs, and the analytics consumer. The gateway and the tests start it the same way.
    /// </summary>
    /// <param name="clients">The outside services to call. A simulated outside world is added apart (<see cref="SimulationHosting.AddSimulations"/>).</param>
    public static AkkaConfigurationBuilder AddOrderSystem(this AkkaConfigurationBuilder builder, OrderSystemOptions options, ProviderClients clients)
    {
        return builder
            .AddOrderSystemConfiguration(options)
            .WithRemoting(Remoting(options.Node))
            .WithClustering(new ClusterOptions
            {
                SeedNodes = options.Node.SeedNodes.Length > 0 ? options.Node.SeedNodes : null,
                Roles = options.Node.Roles,
                // The side with more members survives a partition; stable-after and the failure detector are in akka.hocon.
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithCustomSerializer("orders", [typeof(IOrderSystemMessage)], system => new OrderSystemSerializer(system))
            .AddStartup((system, _) =>
            {
                if (options.Node.SeedNodes.Length > 0) return;
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            })
            .AddSupervisedServices(options, clients)
            .AddInventory(options)
            .AddStartup((_, registry) =>
            {
                var inventory = registry.Get<ActorKeys.Inventory>();
                foreach (var (sku, units) in options.InitialStock)
                    inventory.Tell(new InventoryCommands.SeedStock(sku, units, MessageContext.New()), ActorRefs.NoSender);
            })
            .AddOrders(options.Order)
            .AddAnalytics(options.Analytics, clients.Analytics)
            .AddOrderIndex(options);
    }

    private static AkkaConfigurationBuilder AddOrderSystemConfiguration(this AkkaConfigurationBuilder builder, OrderSystemOptions options)
    {
        var persistence = options.Persistence;
        var connectionString = persistence.ResolvedConnectionString;
        if (persistence.Provider == PersistenceProvider.Sqlite)
        {
            SqliteDatabase.Prepare(connectionString);
            SqliteDatabase.Prepare(persistence.ResolvedIndexConnectionString);
        }
        JournalSchemaUpgrade.Apply(persistence);
        var connection = $$"""
            connection-string = {{Quote(connectionString)}}
            provider-name = {{Quote(persistence.LinqToDbProvider)}}
            """;
        var logLevel = options.AkkaLogLevel.ToUpperInvariant() is "DEBUG" or "INFO" or "WARNING" or "ERROR"
            ? options.AkkaLogLevel.ToUpperInvariant()
            : throw new ArgumentException($"Orders:AkkaLogLevel must be DEBUG, INFO, WARNING or ERROR, not '{options.AkkaLogLevel}'");
        var overlay = persistence.Provider == PersistenceProvider.Sqlite ? "sqlite.hocon" : "postgresql.hocon";
        if (persistence.Provider == PersistenceProvider.Sqlite)
            builder.AddSetup(SqliteDatabase.WaitForLocksInside(connectionString, persistence.LinqToDbProvider,
                "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql"));
        return builder
            .AddHocon($$"""
                akka.actor.ask-timeout = 10s
                akka.loglevel = {{logLevel}}
                akka.persistence.journal.sql { {{connection}} }
                akka.persistence.snapshot-store.sql { {{connection}} }
                akka.persistence.query.journal.sql { {{connection}} }
                """, HoconAddMode.Prepend)
            .AddHoconFile(HoconFile(options, overlay), HoconAddMode.Append)
            .AddHoconFile(HoconFile(options, "persistence.hocon"), HoconAddMode.Append)
            .AddHoconFile(HoconFile(options, "akka.hocon"), HoconAddMode.Append)
            .AddHocon(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }

    private static string HoconFile(OrderSystemOptions options, string name)
    {
        var path = Path.Combine(options.HoconDirectory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"HOCON file {name} not found in {options.HoconDirectory}", path);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static RemoteOptions Remoting(NodeOptions node)
    {
        var remoting = new RemoteOptions { HostName = node.Hostname, Port = node.Port };
        if (!node.Tls.Enabled) return remoting;
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(node.Tls.CertificatePath!, node.Tls.CertificatePassword);
        remoting.EnableSsl = true;
        remoting.Ssl = new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            // The cluster's own certificate, and no other: a CA-signed certificate of someone else must not get in.
            CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
        };
        return remoting;
    }

    public static AkkaConfigurationBuilder AddSupervisedServices(this AkkaConfigurationBuilder builder, OrderSystemOptions options, ProviderClients clients) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var settings = options.Supervision;
            var metrics = resolver.GetService<OrderMetrics>();
            if (options.Webhooks.Secret == WebhookSettings.DevelopmentSecret)
                system.Log.Warning("Orders:Webhooks:Secret is not set; webhooks are signed with the development secret");
            // One bulkhead per receiver: a dead callback URL backs off alone instead of tripping every order's webhooks.
            registry.Register<ActorKeys.Webhooks>(system.ActorOf(BulkheadRouter.Props("webhook", WebhookSettings.DestinationOf,
                new WebhookHandler(new WebhookPoster(WebhookPoster.CreateClient(), options.Webhooks)), settings, metrics: metrics), "webhook"));
            registry.Register<ActorKeys.Payment>(system.ActorOf(ServiceGateway.Props("payment", new PaymentHandler(clients.Payment), settings, metrics), "payment"));
            registry.Register<ActorKeys.Warehouse>(system.ActorOf(ServiceGateway.Props("warehouse", new WarehouseHandler(clients.Warehouse), settings, metrics), "warehouse"));
            registry.Register<ActorKeys.Email>(system.ActorOf(ServiceGateway.Props("email", new EmailHandler(clients.Email), settings, metrics), "email"));
            registry.Register<ActorKeys.AnalyticsService>(system.ActorOf(ServiceGateway.Props("analytics", new AnalyticsHandler(clients.Analytics), settings, metrics), "analytics"));
        });

    public static AkkaConfigurationBuilder AddInventory(this AkkaConfigurationBuilder builder, OrderSystemOptions options) =>
        builder.WithShardRegion<ActorKeys.Inventory>("sku",
            sku => InventoryActor.Props(sku, options.InventorySnapshotEvery),
            new InventoryMessageExtractor(),
            new ShardOptions { StateStoreMode = StateStoreMode.Persistence })
            // Orders reach the SKUs through InventorySteps: the region itself, unless a simulation stands in front of it.
            .WithActors((_, registry) => registry.Register<ActorKeys.InventorySteps>(registry.Get<ActorKeys.Inventory>()));

    public static AkkaConfigurationBuilder AddOrders(this AkkaConfigurationBuilder builder, OrderSettings settings) =>
        builder.AddWorkflow<ActorKeys.Orders, OrderState, OrderEvents.IOrderEvent, StepId>(OrderWorkflow.Type, message => (message as IWithOrderId)?.OrderId,
            // Looked up per order, not here: the region registers itself only after this factory is built, and a
            // simulation may stand in front of the SKUs (InventorySteps) from a later registration.
            (_, registry, _) => _ => new OrderWorkflow(new OrderServices(
                registry.Get<ActorKeys.Payment>(),
                registry.Get<ActorKeys.InventorySteps>(),
                registry.Get<ActorKeys.Warehouse>(),
                registry.Get<ActorKeys.Email>(),
                registry.Get<ActorKeys.AnalyticsService>(),
                registry.Get<ActorKeys.Webhooks>(),
                registry.Get<ActorKeys.Orders>())),
            settings.Kernel,
            (system, resolver) => new OrderObserver(resolver.GetService<OrderMetrics>() ?? OrderMetrics.Unobserved, InstanceLog.For(system, OrderObserver.LogCategory)));

    public static AkkaConfigurationBuilder AddAnalytics(this AkkaConfigurationBuilder builder, AnalyticsSettings settings, IAnalyticsProvider analytics) =>
        builder.WithSingleton<ActorKeys.AnalyticsProjection>("analytics-projection",
            (_, _, _) => AnalyticsProjection.Props(SqlReadJournal.Identifier, analytics, settings),
            new ClusterSingletonOptions());

    public static AkkaConfigurationBuilder AddOrderIndex(this AkkaConfigurationBuilder builder, OrderSystemOptions options) =>
        builder.WithSingleton<ActorKeys.OrderIndex>(OrderIndexProjection.Name,
            (_, _, _) => OrderIndexProjection.Props(options.Persistence.OrderIndex(),
                // Few, large transactions: on SQLite every index write competes with the journal writer for the one write lock.
                new TaggedEventStream.Settings(SqlReadJournal.Identifier, 5000, TimeSpan.FromMilliseconds(500))),
            new ClusterSingletonOptions());
}
