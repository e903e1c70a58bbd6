using System.Net;
using System.Text.Json;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orders.Actors.Hosting;
using Orders.Actors.OrderIndex;
using Orders.Actors.Providers;
using Orders.Gateway.Application;
using Orders.Gateway.Grpc;
using Orders.Gateway.Health;
using Orders.Gateway.Rest;

namespace Orders.Gateway;

/// <summary>Where a started gateway listens; ports are the real ones, even when configured as 0.</summary>
public sealed class GatewayEndpoints
{
    internal ListenOptions? Grpc { get; set; }
    internal ListenOptions? Http { get; set; }
    public Uri GrpcAddress => new($"http://{Grpc!.IPEndPoint}");
    public Uri HttpAddress => new($"http://{Http!.IPEndPoint}");
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
        configure?.Invoke(builder);
        var gateway = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
        var orders = builder.Configuration.GetSection("Orders").Get<OrderSystemOptions>() ?? new OrderSystemOptions();
        providers ??= OrderSystemHosting.ProvidersFor(orders.SimulationProfile);
        var clients = string.IsNullOrWhiteSpace(orders.ProviderSimulatorUrl)
            ? providers.Clients
            : Uri.TryCreate(orders.ProviderSimulatorUrl, UriKind.Absolute, out var simulator)
                ? new RemoteProviders(simulator).Clients
                : throw new ArgumentException($"Orders:ProviderSimulatorUrl must be an absolute http(s) URL such as http://127.0.0.1:5390, not '{orders.ProviderSimulatorUrl}'");

        var endpoints = new GatewayEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBytes;
            var address = IPAddress.Parse(gateway.BindAddress);
            kestrel.Listen(address, gateway.GrpcPort, l => { l.Protocols = HttpProtocols.Http2; endpoints.Grpc = l; });
            kestrel.Listen(address, gateway.HttpPort, l => { l.Protocols = HttpProtocols.Http1; endpoints.Http = l; });
        });

        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(orders);
        builder.Services.AddSingleton(providers);
        builder.Services.AddSingleton(new InFlightLimiter(gateway.MaxInFlight));
        builder.Services.AddSingleton(new OrderIndexStore(orders.Persistence));
        builder.Services.AddSingleton<SkuCatalog>();
        builder.Services.AddSingleton<OrderApplication>();
        builder.Services.AddAkka(orders.SystemName, akka => akka.AddOrderSystem(orders, providers, clients));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = gateway.MaxRequestBytes;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        builder.Services.AddGrpcHealthChecks();

        var app = builder.Build();
        app.MapGrpcService<OrderGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapOrderRest();
        app.MapSimulationRest();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapGet("/", (GatewayEndpoints e) => Results.Text(
            $"orders gateway\ngRPC (h2c): {e.GrpcAddress}  service orders.v1.OrderService (reflection on)\nREST: {e.HttpAddress}v1/orders\n"));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Orders gateway ready: gRPC (h2c) on {Grpc}, REST/SSE/health on {Http}, database {Database}",
                endpoints.GrpcAddress, endpoints.HttpAddress,
                orders.Persistence.Provider == PersistenceProvider.Sqlite ? orders.Persistence.SqlitePath : "PostgreSQL"));
        return app;
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
