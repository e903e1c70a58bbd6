using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Bench.Target;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>
/// The database taken away under a node and given back, with calls arriving all the while (20 a second, ACCEPTED and
/// HYBRID, as a client would send them): every call is answered within a second before, during and after the outage -
/// served, or refused with 503 and Retry-After - never left hanging; the node serves again soon after the database
/// returns, and every order acknowledged completes.
/// </summary>
public abstract class DatabaseOutageSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private sealed record Call(string Phase, double SentS, TimeSpan Latency, int Status, bool RetryAfter, string OrderId, string? Error);

    protected abstract Task<string[]> StartDatabaseAsync();
    protected abstract void TakeAway(GatewayServer node);
    protected abstract void GiveBack(GatewayServer node);
    public Task InitializeAsync() => Task.CompletedTask;
    public abstract Task DisposeAsync();

    [Fact]
    public async Task Every_call_is_answered_within_a_second_before_during_and_after_the_outage_and_every_acknowledged_order_completes()
    {
        var settings = await StartDatabaseAsync();
        // Slow enough fulfilment that orders are still running when the database goes away.
        var providers = new SimulatedProviders(kind => kind is ProviderKind.Warehouse or ProviderKind.Email ? new SimulationSettings(300) : SimulationSettings.Instant);
        await using var node = await GatewayServer.StartAsync(providers, null, settings);
        // The client's own deadline is far beyond the bound: a call that hangs shows as slow, not as a timeout of ours.
        using var http = new HttpClient { BaseAddress = node.HttpAddress, Timeout = TimeSpan.FromSeconds(10) };
        await PlaceAsync(http, "warm-up", 0, Stopwatch.StartNew()); // the first call of a process pays for JIT and connections

        var calls = new ConcurrentBag<Call>();
        var clock = Stopwatch.StartNew();
        var phase = "before";
        var traffic = Task.Run(async () =>
        {
            var inFlight = new List<Task>();
            for (var n = 0; phase != "done"; n++)
            {
                var sentS = clock.Elapsed.TotalSeconds;
                var current = phase;
                inFlight.Add(Task.Run(async () => calls.Add(await PlaceAsync(http, current, sentS, clock, n % 2 == 0 ? "accepted" : "hybrid"))));
                await Task.Delay(50);
            }
            await Task.WhenAll(inFlight);
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        phase = "during";
        var downAt = clock.Elapsed.TotalSeconds;
        TakeAway(node);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var grpcWatch = Stopwatch.StartNew();
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted)));
        Assert.True(grpcWatch.Elapsed < Bound, $"a gRPC call during the outage took {grpcWatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), grpc.GetRpcStatus()!.GetDetail<Google.Rpc.RetryInfo>().RetryDelay.ToTimeSpan());
        await Task.Delay(TimeSpan.FromSeconds(1));
        phase = "after";
        GiveBack(node);
        var upAt = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(8));
        phase = "done";
        await traffic;

        var all = calls.OrderBy(c => c.SentS).ToList();
        foreach (var group in all.GroupBy(c => c.Phase))
            output.WriteLine($"{group.Key}: {group.Count()} calls, slowest {group.Max(c => c.Latency.TotalMilliseconds):0} ms, " +
                             string.Join(", ", group.GroupBy(c => c.Status).Select(s => $"{s.Count()} x {s.Key}")));
        var slow = all.Where(c => c.Latency > Bound).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} calls took longer than {Bound.TotalSeconds} s:\n" + string.Join("\n", slow.Take(10)));

        Assert.All(all, c => Assert.True(c.Status is 200 or 202 || (c.Status == 503 && c.RetryAfter), $"neither served nor refused with Retry-After: {c}"));
        // Served while the database is there; a call in flight at the moment it goes may be either (refused: "it may or
        // may not have taken effect, retry with the same order id"); from half a second on every call is refused.
        var before = all.Where(c => c.SentS + c.Latency.TotalSeconds < downAt).ToList();
        Assert.All(before, c => Assert.True(c.Status is 200 or 202, $"before the outage: {c}"));
        var during = all.Where(c => c.Phase == "during" && c.SentS >= downAt + 0.5).ToList();
        Assert.True(during.Count > 50, $"only {during.Count} calls during the outage");
        Assert.All(during, c => Assert.True(c.Status == 503 && c.RetryAfter, $"during the outage: {c}"));

        var after = all.Where(c => c.Phase == "after").ToList();
        Assert.All(after, c => Assert.True(c.Status is 200 or 202 || (c.Status == 503 && c.RetryAfter), $"after the outage: {c}"));
        var lastRefused = after.Where(c => c.Status == 503).Select(c => c.SentS - upAt).DefaultIfEmpty(0).Max();
        output.WriteLine($"last refusal {lastRefused:0.00} s after the database returned");
        Assert.True(lastRefused < 5, $"calls were still refused {lastRefused:0.0} s after the database returned");
        Assert.Contains(after, c => c.Status is 200 or 202);

        var served = await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, served.Order.Status);
        var acknowledged = all.Where(c => c.Status is 200 or 202).Select(c => c.OrderId).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var id in acknowledged)
        {
            Order order;
            while ((order = await node.Client.GetOrderAsync(new GetOrderRequest { OrderId = id })).Status != OrderStatus.Completed && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.True(order.Status == OrderStatus.Completed, $"acknowledged order {id} is {order.Status}");
        }
        Assert.Equal(0, providers.Payment.DuplicateCharges);
    }

    private static async Task<Call> PlaceAsync(HttpClient http, string phase, double sentS, Stopwatch clock, string mode = "accepted")
    {
        var id = GatewayServer.NewId();
        var started = clock.Elapsed;
        try
        {
            using var response = await http.PostAsJsonAsync("/v1/orders", new
            {
                order_id = id,
                customer_email = "ada@example.com",
                items = new[] { new { sku = "SKU-1", quantity = 1, unit_price_minor = 1999 } },
                currency = "EUR",
                payment_token = "tok_visa",
                mode,
            });
            return new Call(phase, sentS, clock.Elapsed - started, (int)response.StatusCode, response.Headers.RetryAfter is not null, id,
                response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Call(phase, sentS, clock.Elapsed - started, 0, false, id, e.Message);
        }
    }
}

public sealed class PostgresOutageSpecs(ITestOutputHelper output) : DatabaseOutageSpecs(output)
{
    private ThrowawayPostgres? _postgres;

    protected override Task<string[]> StartDatabaseAsync()
    {
        _postgres = ThrowawayPostgres.Start();
        return Task.FromResult<string[]>(["--Orders:Persistence:Provider=PostgreSql", $"--Orders:Persistence:ConnectionString={_postgres.ConnectionString}"]);
    }

    protected override void TakeAway(GatewayServer node) => _postgres!.Stop();
    protected override void GiveBack(GatewayServer node) => _postgres!.Resume();

    public override Task DisposeAsync()
    {
        _postgres?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>SQLite's files made immutable (chattr +i: even open descriptors cannot write) and writable again; needs root, as CI runs.</summary>
public sealed class SqliteOutageSpecs(ITestOutputHelper output) : DatabaseOutageSpecs(output)
{
    private string? _directory;

    protected override Task<string[]> StartDatabaseAsync() => Task.FromResult<string[]>([]);

    protected override void TakeAway(GatewayServer node)
    {
        _directory = Path.GetDirectoryName(node.DatabasePath)!;
        BenchDatabase.SetSqliteWritable(_directory, false);
    }

    protected override void GiveBack(GatewayServer node) => BenchDatabase.SetSqliteWritable(_directory!, true);

    public override Task DisposeAsync()
    {
        // Writable again even when the spec failed half-way, or the folder could never be deleted.
        if (_directory is not null) BenchDatabase.SetSqliteWritable(_directory, true);
        return Task.CompletedTask;
    }
}
