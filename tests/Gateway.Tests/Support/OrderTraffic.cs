using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Orders.Contracts.V1;

namespace Orders.Gateway.Tests.Support;

/// <summary>
/// Closed-loop clients placing orders through a set of nodes. With retries on, a client whose call fails places the
/// same order (same id: the idempotency key) again through the next node until it is acknowledged.
/// </summary>
public sealed class OrderTraffic
{
    public sealed record Acknowledged(string OrderId, int UnitsA, int UnitsB, TimeSpan FirstAttemptAt, TimeSpan AcknowledgedAt, int FailedAttempts);
    public sealed record FailedCall(string OrderId, string Node, TimeSpan At, StatusCode Status, string Detail);

    public const string PlentifulSku = "SKU-A";
    public const string ScarceSku = "SKU-B";

    private readonly ConcurrentQueue<Acknowledged> _acknowledged = new();
    private readonly ConcurrentQueue<FailedCall> _failures = new();
    private readonly ConcurrentQueue<string> _abandoned = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IReadOnlyList<GatewayProcess> _targets;
    private readonly bool _retry;
    private int _sequence;

    public OrderTraffic(IReadOnlyList<GatewayProcess> targets, bool retry)
    {
        _targets = targets;
        _retry = retry;
    }

    public TimeSpan Elapsed => _clock.Elapsed;
    public IReadOnlyCollection<Acknowledged> AcknowledgedOrders => _acknowledged;
    public IReadOnlyCollection<FailedCall> Failures => _failures;
    public IReadOnlyCollection<string> Abandoned => _abandoned;

    /// <summary>One order through each node, with time to spare: a new cluster allocates its shards on first use.</summary>
    public async Task WarmUpAsync(IEnumerable<GatewayProcess> nodes)
    {
        foreach (var node in nodes)
        {
            var request = NextOrder(out var unitsA, out var unitsB);
            var first = _clock.Elapsed;
            await node.Client.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
            _acknowledged.Enqueue(new Acknowledged(request.OrderId, unitsA, unitsB, first, _clock.Elapsed, 0));
        }
    }

    public Task RunAsync(int clients, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, stop))));

    private async Task ClientAsync(int client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var request = NextOrder(out var unitsA, out var unitsB);
            await PlaceAsync(client, request, unitsA, unitsB);
        }
    }

    private PlaceOrderRequest NextOrder(out int unitsA, out int unitsB)
    {
        var n = Interlocked.Increment(ref _sequence);
        // Every 4th order also wants a unit of the scarce SKU (some get compensated); every 10th card is declined.
        unitsA = 1 + n % 3;
        unitsB = n % 4 == 0 ? 1 : 0;
        var request = GatewayServer.Order(id: $"cl-{n:D6}-{Guid.NewGuid():N}"[..24], mode: n % 3 == 0 ? ResponseMode.Accepted : ResponseMode.Hybrid,
            sku: PlentifulSku, quantity: unitsA, token: n % 10 == 0 ? "tok_decline_insufficient_funds" : "tok_visa");
        if (unitsB > 0) request.Items.Add(new OrderItem { Sku = ScarceSku, Quantity = 1, UnitPriceMinor = 500 });
        return request;
    }

    private async Task PlaceAsync(int client, PlaceOrderRequest request, int unitsA, int unitsB)
    {
        var first = _clock.Elapsed;
        var failed = 0;
        for (var attempt = 0; ; attempt++)
        {
            var node = _targets[(client + attempt) % _targets.Count];
            try
            {
                await node.Client.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(5));
                _acknowledged.Enqueue(new Acknowledged(request.OrderId, unitsA, unitsB, first, _clock.Elapsed, failed));
                return;
            }
            catch (RpcException e)
            {
                failed++;
                _failures.Enqueue(new FailedCall(request.OrderId, node.Channel.Target, _clock.Elapsed, e.StatusCode, e.Status.Detail));
                if (!_retry || _clock.Elapsed - first > TimeSpan.FromSeconds(90))
                {
                    _abandoned.Enqueue(request.OrderId);
                    return;
                }
                await Task.Delay(250);
            }
        }
    }
}
