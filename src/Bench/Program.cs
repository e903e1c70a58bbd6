using System.Diagnostics;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orders.Bench;
using Orders.Contracts.V1;
using Orders.Gateway;

// Usage: dotnet run -c Release --project src/Bench -- [--target http://127.0.0.1:5081] [--orders 200] [--concurrency 20] [--seconds 10]
//        [--warmup 1000] [--profile seed|instant] [--Orders:...=value ...]   (settings for the gateway it starts itself)
if (Arg("--min-threads") is { } minThreads) ThreadPool.SetMinThreads(int.Parse(minThreads), int.Parse(minThreads));
var target = Arg("--target");
var orders = int.Parse(Arg("--orders") ?? "200");
var concurrency = int.Parse(Arg("--concurrency") ?? "20");
var seconds = int.Parse(Arg("--seconds") ?? "10");

WebApplication? gateway = null;
if (target is null)
{
    var database = Path.Combine(Path.GetTempPath(), "orders-bench", Guid.NewGuid().ToString("N"), "orders.db");
    gateway = GatewayHost.Build(["--Gateway:GrpcPort=0", "--Gateway:HttpPort=0", $"--Orders:Persistence:SqlitePath={database}",
        $"--Orders:SimulationProfile={Arg("--profile") ?? "seed"}", "--Orders:InitialStock:SKU-1=100000000", "--Logging:LogLevel:Default=Warning",
        .. args.Where(a => a.StartsWith("--Orders:") || a.StartsWith("--Gateway:"))]);
    await gateway.StartAsync();
    target = gateway.Services.GetRequiredService<GatewayEndpoints>().GrpcAddress.ToString();
    var persistence = args.FirstOrDefault(a => a.StartsWith("--Orders:Persistence:Provider=")) ?? $"SQLite {database}";
    Console.WriteLine($"started a gateway ({Arg("--profile") ?? "seed"} profile, {persistence}) at {target}");
    await Task.Delay(2000);
}

using var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
var client = new OrderService.OrderServiceClient(channel);

// Warm-up: JIT, connection pools and the allocation of all 100 order shards happen before anything is measured.
var warmup = int.Parse(Arg("--warmup") ?? "1000");
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
{
    for (var i = w; i < warmup; i += concurrency)
        await client.PlaceOrderAsync(new PlaceOrderRequest
        {
            OrderId = $"warm-{Guid.NewGuid():N}", CustomerEmail = "bench@example.com", Currency = "EUR", PaymentToken = "tok_visa",
            Mode = ResponseMode.Accepted, Items = { new OrderItem { Sku = "SKU-1", Quantity = 1, UnitPriceMinor = 1000 } },
        });
}));
await Task.Delay(3000);

// 1. HYBRID client latency with the seed profile: the caller waits for the payment decision only.
var hybrid = new LatencyRecorder();
var next = 0;
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    while (Interlocked.Increment(ref next) <= orders)
    {
        var request = new PlaceOrderRequest
        {
            OrderId = $"bench-{Guid.NewGuid():N}", CustomerEmail = "bench@example.com", Currency = "EUR", PaymentToken = "tok_visa",
            Mode = ResponseMode.Hybrid, Items = { new OrderItem { Sku = "SKU-1", Quantity = 1, UnitPriceMinor = 1000 } },
        };
        var clock = Stopwatch.StartNew();
        var reply = await client.PlaceOrderAsync(request);
        hybrid.Record(clock.Elapsed.TotalMilliseconds);
        if (reply.Order.Status != OrderStatus.Confirmed) throw new InvalidOperationException($"unexpected {reply.Order.Status}");
    }
}));
Console.WriteLine($"HYBRID PlaceOrder over gRPC, {hybrid.Count} orders, {concurrency} concurrent: p50 {hybrid.Percentile(50):0.0} ms, p95 {hybrid.Percentile(95):0.0} ms, p99 {hybrid.Percentile(99):0.0} ms, max {hybrid.Percentile(100):0.0} ms");

// 2. GetOrder throughput, closed loop.
var probe = (await client.PlaceOrderAsync(new PlaceOrderRequest
{
    OrderId = $"bench-get-{Guid.NewGuid():N}", CustomerEmail = "bench@example.com", Currency = "EUR", PaymentToken = "tok_visa",
    Mode = ResponseMode.Sync, Items = { new OrderItem { Sku = "SKU-1", Quantity = 1, UnitPriceMinor = 1000 } },
})).Order.OrderId;
var stopAt = Stopwatch.StartNew();
long done = 0;
var gets = new LatencyRecorder();
await Task.WhenAll(Enumerable.Range(0, concurrency * 4).Select(async _ =>
{
    while (stopAt.Elapsed.TotalSeconds < seconds)
    {
        var clock = Stopwatch.StartNew();
        await client.GetOrderAsync(new GetOrderRequest { OrderId = probe });
        gets.Record(clock.Elapsed.TotalMilliseconds);
        Interlocked.Increment(ref done);
    }
}));
Console.WriteLine($"GetOrder over gRPC, {concurrency * 4} concurrent for {seconds} s: {done / stopAt.Elapsed.TotalSeconds:0} requests/s, p50 {gets.Percentile(50):0.00} ms, p99 {gets.Percentile(99):0.00} ms");

if (gateway is not null) await gateway.StopAsync();

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
