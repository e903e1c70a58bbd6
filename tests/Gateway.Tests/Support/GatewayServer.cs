using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Support;

/// <summary>A real gateway on Kestrel, loopback, free ports, its own SQLite file; clients over real HTTP/2 and HTTP/1.1.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, SimulatedProviders providers, string database, X509Certificate2? trusted, LogCapture logs)
    {
        _app = app;
        Logs = logs;
        Providers = providers;
        DatabasePath = database;
        var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
        GrpcAddress = Reachable(endpoints.GrpcAddress);
        HttpAddress = Reachable(endpoints.HttpAddress);
        Channel = GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions { HttpHandler = Handler(trusted) });
        Client = new OrderService.OrderServiceClient(Channel);
        Http = new HttpClient(Handler(trusted)) { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A node bound to every address (0.0.0.0, ::) is reached, like every test target, through loopback.</summary>
    private static Uri Reachable(Uri address) =>
        System.Net.IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && (ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any))
            ? new UriBuilder(address) { Host = "127.0.0.1" }.Uri
            : address;

    /// <summary>A client handler that trusts exactly <paramref name="trusted"/> (a test's self-signed certificate), or the system's roots.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2? trusted = null) => new()
    {
        // A client that sends its own traceparent when a spec gives one: a node's tracer provider shares this process
        // and would otherwise start a span for the spec's call and send that span's traceparent instead.
        ActivityHeadersPropagator = null,
        SslOptions = trusted is null ? new() : new()
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString(),
        },
    };

    public SimulatedProviders Providers { get; }
    /// <summary>The node's own services (its actor system, registry, options), for what no API shows.</summary>
    public IServiceProvider Services => _app.Services;
    /// <summary>Everything the node logged at warning level or above.</summary>
    public LogCapture Logs { get; }
    public string DatabasePath { get; }
    public Uri GrpcAddress { get; }
    public Uri HttpAddress { get; }
    public GrpcChannel Channel { get; }
    public OrderService.OrderServiceClient Client { get; }
    public HttpClient Http { get; }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "orders-gateway-tests", Guid.NewGuid().ToString("N"), "orders.db");

    /// <summary>The order timings scaled down so tests run in seconds.</summary>
    public static readonly string[] FastSettings =
    [
        "--Orders:Order:PaymentTimeout=00:00:02",
        "--Orders:Order:StepAckTimeout=00:00:03",
        "--Orders:Order:StepBackoffMin=00:00:00.100",
        "--Orders:Order:StepBackoffMax=00:00:01",
        "--Orders:Supervision:MinBackoff=00:00:00.300",
        "--Orders:Supervision:MaxBackoff=00:00:02",
        "--Orders:Webhooks:Secret=test-secret",
    ];

    public static Task<GatewayServer> StartAsync(SimulatedProviders? providers = null, string? database = null, params string[] settings) =>
        StartAsync(providers, database, null, settings);

    /// <param name="trusted">The server certificate its clients trust, when the settings turn TLS on.</param>
    public static async Task<GatewayServer> StartAsync(SimulatedProviders? providers, string? database, X509Certificate2? trusted, params string[] settings)
    {
        providers ??= SimulatedProviders.Instant();
        database ??= NewDatabasePath();
        string[] args =
        [
            "--Gateway:GrpcPort=0", "--Gateway:HttpPort=0", $"--Orders:Persistence:SqlitePath={database}", "--Logging:LogLevel:Default=Warning",
            "--Orders:InitialStock:SKU-1=100000", .. FastSettings, .. settings,
        ];
        var logs = new LogCapture();
        var app = GatewayHost.Build(args, providers, b =>
        {
            b.Environment.ContentRootPath = Path.GetDirectoryName(database)!;
            b.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        var server = new GatewayServer(app, providers, database, trusted, logs);
        await server.WaitUntilReadyAsync();
        return server;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if ((await Http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the gateway did not become ready within 30 s");
    }

    public static PlaceOrderRequest Order(string? id = null, ResponseMode mode = ResponseMode.Hybrid, string sku = "SKU-1", int quantity = 1,
        string token = "tok_visa", string? callback = null) => new()
    {
        OrderId = id ?? NewId(),
        CustomerEmail = "ada@example.com",
        Items = { new OrderItem { Sku = sku, Quantity = quantity, UnitPriceMinor = 1999 } },
        Currency = "EUR",
        PaymentToken = token,
        CallbackUrl = callback ?? "",
        Mode = mode,
    };

    public static string NewId() => $"gw-{Guid.NewGuid():N}"[..24];

    public async Task<Order> WaitForTerminalAsync(string orderId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        Order? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId });
            if (last.Status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.PaymentDeclined or OrderStatus.Rejected) return last;
            await Task.Delay(50);
        }
        throw new TimeoutException($"order {orderId} did not finish; last status {last?.Status}");
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
