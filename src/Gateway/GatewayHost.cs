using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orders.Actors.Hosting;
using Orders.Actors.OrderIndex;
using Orders.Actors.Providers;
using Orders.Actors.Telemetry;
using Orders.Gateway.Admin;
using Orders.Gateway.Application;
using Orders.Gateway.Diagnostics;
using Orders.Gateway.Grpc;
using Orders.Gateway.Health;
using Orders.Gateway.Rest;
using Orders.Gateway.Security;
using Orders.Gateway.Telemetry;
using Orders.Actors.Simulation;

namespace Orders.Gateway;

/// <summary>Where a started gateway listens; ports are the real ones, even when configured as 0.</summary>
public sealed class GatewayEndpoints(bool tls)
{
    internal ListenOptions? Grpc { get; set; }
    internal ListenOptions? Http { get; set; }
    private string Scheme => tls ? "https" : "http";
    public Uri GrpcAddress => new($"{Scheme}://{Grpc!.IPEndPoint}");
    public Uri HttpAddress => new($"{Scheme}://{Http!.IPEndPoint}");
}

public static class GatewayHost
{
    /// <summary>
    /// Builds the gateway process: one cluster node with the order system, gRPC (h2c) on one port and REST, SSE and
    /// health (HTTP/1.1) on another. <paramref name="providers"/> lets tests share a simulated world across restarts.
    /// </summary>
    public static WebApplication Build(string[] args, SimulatedProviders? providers = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Defaults below every other source, so appsettings, environment and arguments still decide: per-call framework
        // chatter (gRPC logs every refused call at information level, with the exception) is not the node's log, nor is
        // each "not ready" answer of a readiness probe (logged as an error per probe; the probe's caller has the reason).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Grpc"] = "Warning", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
                // An order's lines carry its order_id and correlation_id in a scope (Actors/Telemetry/OrderLog): shown by default.
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "true" },
        });
        configure?.Invoke(builder);
        var gateway = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
        var orders = builder.Configuration.GetSection("Orders").Get<OrderSystemOptions>() ?? new OrderSystemOptions();
        var admin = builder.Configuration.GetSection("Orders:Admin").Get<AdminOptions>() ?? new AdminOptions();
        if (gateway.ReleaseIdleHeapAboveMegabytes < 0)
            throw new ArgumentException($"Gateway:ReleaseIdleHeapAboveMegabytes must be 0 (never release) or a number of MB, not {gateway.ReleaseIdleHeapAboveMegabytes}");
        if (gateway.AfterOutageFor < TimeSpan.Zero)
            throw new ArgumentException($"Gateway:AfterOutageFor must be 0 (no bound after an outage) or a duration such as 00:00:30, not {gateway.AfterOutageFor}");
        if (gateway.AnswerWithinAfterOutage <= TimeSpan.Zero)
            throw new ArgumentException($"Gateway:AnswerWithinAfterOutage must be a positive duration such as 00:00:00.750, not {gateway.AnswerWithinAfterOutage}");
        var telemetry = TelemetrySettings.From(builder.Configuration);
        var exposureWarnings = Exposure.Check(gateway, admin, orders);
        var remote = string.IsNullOrWhiteSpace(orders.ProviderSimulatorUrl)
            ? null
            : Uri.TryCreate(orders.ProviderSimulatorUrl, UriKind.Absolute, out var simulator)
                ? new RemoteProviders(simulator).Clients
                : throw new ArgumentException($"Orders:ProviderSimulatorUrl must be an absolute http(s) URL such as http://127.0.0.1:5390, not '{orders.ProviderSimulatorUrl}'");
        if (remote is not null && orders.Simulations.Enabled)
            // The shared simulator's faults, changed from any node's admin API (`orders faults set ...`).
            builder.Services.AddSingleton(new SimulatorFaultControl(new HttpClient { BaseAddress = new Uri(orders.ProviderSimulatorUrl!), Timeout = TimeSpan.FromSeconds(5) }));
        // One simulated outside world at a time: a node on the shared simulator simulates nothing itself, so what
        // `orders faults` shows and sets is what is in force.
        if (!orders.Simulations.Enabled || remote is not null)
            providers = null;
        else
            providers ??= SimulationHosting.ProvidersFor(orders.SimulationProfile);
        var clients = remote ?? providers?.Clients ?? throw new InvalidOperationException(
            "Orders:Simulations:Enabled is false, so the node needs real providers: set Orders:ProviderSimulatorUrl to the provider service " +
            "(the provider simulator's HTTP contract, src/Actors/Providers/ProviderWire.cs)");

        var certificate = gateway.Tls.Enabled ? gateway.Tls.Load() : null;
        var endpoints = new GatewayEndpoints(certificate is not null);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBytes;
            var address = IPAddress.Parse(gateway.BindAddress);
            kestrel.Listen(address, gateway.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                if (certificate is not null) l.UseHttps(certificate);
                endpoints.Grpc = l;
            });
            kestrel.Listen(address, gateway.HttpPort, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                if (certificate is not null) l.UseHttps(certificate);
                endpoints.Http = l;
            });
        });

        builder.Services.AddSingleton(admin);
        builder.Services.AddSingleton<OrderTokens>();
        builder.Services.AddSingleton<CallerAccess>();
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(orders);
        if (providers is not null) builder.Services.AddSingleton(providers);
        var limiter = new InFlightLimiter(gateway.MaxInFlight);
        builder.Services.AddSingleton(limiter);
        builder.AddOrderTelemetry(telemetry);
        builder.Services.AddSingleton(services => new GatewayMetrics(services.GetRequiredService<OrderMetrics>(), () => limiter.InFlight, () => limiter.Shed));
        builder.Services.AddSingleton(orders.Persistence.OrderIndex());
        builder.Services.AddSingleton<SkuCatalog>();
        builder.Services.AddSingleton<OrderApplication>();
        builder.Services.AddHostedWorkflow(WorkflowHosting.Orders);
        builder.Services.AddAkka(orders.SystemName, akka => akka
            // Akka's own log goes through Microsoft.Extensions.Logging: one configuration (levels, console format) governs both.
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .AddOrderSystem(orders, clients)
            .AddSimulationsIfAny(providers));
        builder.Services.AddSingleton<ErrorLog>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = gateway.MaxRequestBytes;
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<ServerErrorInterceptor>();
        }).AddServiceOptions<AdminGrpcService>(o => o.Interceptors.Add<AdminAccessInterceptor>());
        builder.Services.AnswerUnreadableRequestsWithInvalidArgument();
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<ReadinessCheck>(); // one instance, so that having caught up after the start is remembered
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddHostedService<IdleHeapRelease>();

        var app = builder.Build();
        // Created now, not on first use: the instruments (and the in-flight gauge) are there from the first scrape.
        app.Services.GetRequiredService<GatewayMetrics>();
        app.MapGrpcService<OrderGrpcService>();
        var adminApi = Exposure.AdminApiAllowed(gateway, admin);
        if (adminApi) app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapOrderRest();
        if (providers is not null) app.MapSimulationRest();
        else if (remote is not null && orders.Simulations.Enabled) app.MapSharedSimulatorPointer(orders.ProviderSimulatorUrl!);
        if (telemetry.MetricsEnabled) app.MapMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapGet("/", (GatewayEndpoints e) => Results.Text(
            $"orders gateway\ngRPC: {e.GrpcAddress}  services orders.v1.OrderService{(adminApi ? ", orders.admin.v1.AdminService" : "")} (reflection on)\nREST: {e.HttpAddress}v1/orders\n"));
        foreach (var warning in exposureWarnings) app.Logger.LogWarning("{Warning}", warning);
        if (!adminApi)
            app.Logger.LogWarning("The admin API (orders.admin.v1.AdminService) is not started: this node listens on {Bind}, beyond loopback, and has no admin token. " +
                "Set Orders:Admin:Token to operate it remotely.", gateway.BindAddress);
        app.Lifetime.ApplicationStarted.Register(() => ForbidCallbacksToOurselves(orders, endpoints, app.Services.GetRequiredService<ActorSystem>()));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Orders gateway ready: gRPC ({Transport}) on {Grpc}, REST/SSE/health on {Http}, database {Database}",
                certificate is null ? "h2c" : "TLS", endpoints.GrpcAddress, endpoints.HttpAddress,
                orders.Persistence.Provider == PersistenceProvider.Sqlite ? orders.Persistence.SqlitePath : "PostgreSQL"));
        return app;
    }

    /// <summary>No callback may target this node's own ports or its provider simulator (known only once they are bound).</summary>
    private static void ForbidCallbacksToOurselves(OrderSystemOptions orders, GatewayEndpoints endpoints, ActorSystem system)
    {
        var forbidden = orders.Webhooks.Forbidden;
        forbidden.AddLocalPort(endpoints.GrpcAddress.Port);
        forbidden.AddLocalPort(endpoints.HttpAddress.Port);
        if (Akka.Cluster.Cluster.Get(system).SelfAddress.Port is { } remoting) forbidden.AddLocalPort(remoting);
        if (Uri.TryCreate(orders.ProviderSimulatorUrl, UriKind.Absolute, out var simulator))
        {
            if (simulator.IsLoopback) forbidden.AddLocalPort(simulator.Port);
            else forbidden.AddEndpoint(simulator);
        }
    }

    private static Task WriteHealth(HttpContext http, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }
}
