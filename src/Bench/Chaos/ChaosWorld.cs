using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Simulator;
using Orders.Actors.Simulation;

namespace Orders.Bench.Chaos;

/// <summary>
/// The outside world of a chaos run: the provider simulator in this process (so its ledgers of charges, refunds and
/// emails can be checked after the node has been killed many times) and a few small SKUs, so that stock runs out and
/// compensation runs.
/// </summary>
public sealed class ChaosWorld : IAsyncDisposable
{
    private readonly WebApplication _simulator;

    private ChaosWorld(WebApplication simulator, SimulatedProviders providers, string url, IReadOnlyDictionary<string, long> stock)
    {
        _simulator = simulator;
        Providers = providers;
        SimulatorUrl = url;
        Stock = stock;
    }

    public SimulatedProviders Providers { get; }
    public string SimulatorUrl { get; }
    public IReadOnlyDictionary<string, long> Stock { get; }

    /// <summary>Node settings: the simulator as its providers and the world's stock.</summary>
    public IEnumerable<string> NodeSettings => [$"--Orders:ProviderSimulatorUrl={SimulatorUrl}", .. Stock.Select(s => $"--Orders:InitialStock:{s.Key}={s.Value}")];

    public static async Task<ChaosWorld> StartAsync(IReadOnlyDictionary<string, long> stock, double providerLatencyMs)
    {
        var providers = new SimulatedProviders(_ => new SimulationSettings(providerLatencyMs, JitterMs: providerLatencyMs / 2));
        var simulator = ProviderSimulatorHost.Build(["--Simulator:Port=0", "--Logging:LogLevel:Default=Warning"], providers);
        await simulator.StartAsync();
        var url = simulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ChaosWorld(simulator, providers, url, stock);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _simulator.StopAsync(stop.Token);
        await _simulator.DisposeAsync();
    }
}

/// <summary>One order the traffic tried to place: what it asked for, and whether the node acknowledged it.</summary>
public sealed record ChaosOrder(string OrderId, string Sku, int Quantity, ResponseMode Mode)
{
    public volatile bool Acknowledged;
}

/// <summary>
/// Closed-loop traffic of mixed response modes over the world's SKUs. Every attempt is remembered, acknowledged or
/// not: a call cut off by a kill may still have been stored, and the ledger checks count what exists, not what was answered.
/// </summary>
public sealed class ChaosTraffic(OrderService.OrderServiceClient client, string run, IReadOnlyList<string> skus)
{
    private static readonly ResponseMode[] Modes = [ResponseMode.Accepted, ResponseMode.Hybrid, ResponseMode.Sync];
    private readonly ConcurrentDictionary<string, ChaosOrder> _attempts = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private long _next;
    private long _acknowledged;

    public IReadOnlyCollection<ChaosOrder> Attempts => (IReadOnlyCollection<ChaosOrder>)_attempts.Values;
    public long AcknowledgedCount => Interlocked.Read(ref _acknowledged);
    public IReadOnlyDictionary<string, long> Errors => _errors;

    /// <summary>Places orders with <paramref name="callers"/> callers until <paramref name="stop"/>; a refused or failed call is retried by the next one.</summary>
    public Task RunAsync(int callers, CancellationToken stop, Action<ChaosOrder, TimeSpan>? acknowledged = null) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Read(ref _next);
                if (await PlaceOneAsync(Modes[n % Modes.Length], acknowledged) != "OK")
                    await Task.Delay(100, CancellationToken.None); // the node is down or refusing: do not spin
            }
        })));

    /// <summary>One order with a 5 s deadline: "OK" when acknowledged, else the gRPC status it failed with.</summary>
    public async Task<string> PlaceOneAsync(ResponseMode mode, Action<ChaosOrder, TimeSpan>? acknowledged = null)
    {
        var n = Interlocked.Increment(ref _next);
        var order = new ChaosOrder($"{run}-{n}", skus[Random.Shared.Next(skus.Count)], Random.Shared.Next(1, 3), mode);
        _attempts[order.OrderId] = order;
        var sent = DateTime.UtcNow;
        try
        {
            await client.PlaceOrderAsync(Request(order), deadline: sent.AddSeconds(5));
            order.Acknowledged = true;
            Interlocked.Increment(ref _acknowledged);
            acknowledged?.Invoke(order, DateTime.UtcNow - sent);
            return "OK";
        }
        catch (RpcException e)
        {
            _errors.AddOrUpdate(e.StatusCode.ToString(), 1, (_, c) => c + 1);
            return e.StatusCode.ToString();
        }
    }

    public static PlaceOrderRequest Request(ChaosOrder order) => new()
    {
        OrderId = order.OrderId,
        CustomerEmail = "chaos@example.com",
        Currency = "EUR",
        PaymentToken = "tok_visa",
        Mode = order.Mode,
        Items = { new OrderItem { Sku = order.Sku, Quantity = order.Quantity, UnitPriceMinor = 1500 } },
    };
}

/// <summary>The invariants after the chaos: nothing acknowledged lost, everything terminal, money, stock and emails exact.</summary>
public sealed record ChaosVerdict(
    int Acknowledged, int Existing, int Lost, int NotTerminal, int Completed, int Cancelled, int DuplicateCharges,
    int ChargesOff, long StockUnitsOff, int EmailsOff)
{
    public static async Task<ChaosVerdict> CheckAsync(OrderService.OrderServiceClient client, HttpClient rest, ChaosWorld world, ChaosTraffic traffic,
        TimeSpan within, Action<int, int>? progress = null)
    {
        var finals = new ConcurrentDictionary<string, Order?>();
        var attempts = traffic.Attempts.ToList();
        var giveUpAt = DateTime.UtcNow + within;
        while (DateTime.UtcNow < giveUpAt)
        {
            var open = attempts.Where(a => !finals.TryGetValue(a.OrderId, out var o) || (o is not null && !IsTerminal(o.Status))).ToList();
            if (open.Count == 0) break;
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (a, ct) =>
            {
                try
                {
                    finals[a.OrderId] = await client.GetOrderAsync(new GetOrderRequest { OrderId = a.OrderId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    finals[a.OrderId] = null; // never stored: the call was cut off before the order existed
                }
                catch (RpcException) { }
            });
            progress?.Invoke(attempts.Count - open.Count, attempts.Count);
            await Task.Delay(250);
        }
        var existing = attempts.Where(a => finals.TryGetValue(a.OrderId, out var o) && o is not null).Select(a => (Order: a, Final: finals[a.OrderId]!)).ToList();
        var completed = existing.Where(e => e.Final.Status == OrderStatus.Completed).ToList();
        var cancelled = existing.Where(e => e.Final.Status == OrderStatus.Cancelled).ToList();

        long stockOff = 0;
        foreach (var (sku, initial) in world.Stock.Where(s => attempts.Any(a => a.Sku == s.Key)))
        {
            var level = await rest.GetFromJsonAsync<JsonElement>($"/v1/inventory/{sku}");
            var (available, allocated) = (level.GetProperty("available").GetInt64(), level.GetProperty("allocated").GetInt64());
            var sold = completed.Where(c => c.Order.Sku == sku).Sum(c => c.Order.Quantity);
            stockOff += Math.Abs(initial - available - sold) + Math.Abs(allocated - sold);
        }
        var payment = world.Providers.Payment;
        var emails = world.Providers.Email.Sent.GroupBy(m => m.IdempotencyKey[..m.IdempotencyKey.IndexOf('/')]).ToDictionary(g => g.Key, g => g.Count());
        return new ChaosVerdict(
            Acknowledged: attempts.Count(a => a.Acknowledged),
            Existing: existing.Count,
            Lost: attempts.Count(a => a.Acknowledged && finals.TryGetValue(a.OrderId, out var o) && o is null),
            NotTerminal: attempts.Count(a => a.Acknowledged && (!finals.TryGetValue(a.OrderId, out var o) || (o is not null && !IsTerminal(o.Status)))),
            Completed: completed.Count,
            Cancelled: cancelled.Count,
            DuplicateCharges: payment.DuplicateCharges,
            // Per order of this traffic: charged once if it completed, charged and refunded (or never charged) otherwise.
            ChargesOff: existing.Count(e => payment.ChargesFor(e.Order.OrderId) - payment.RefundsFor(e.Order.OrderId) != (e.Final.Status == OrderStatus.Completed ? 1 : 0)),
            StockUnitsOff: stockOff,
            EmailsOff: completed.Concat(cancelled).Count(e => emails.GetValueOrDefault(e.Order.OrderId) != 1));
    }

    private static bool IsTerminal(OrderStatus status) => Load.OrderFlow.IsTerminal(status);
}
