using System.Collections.Concurrent;
using Grpc.Core;
using Orders.Contracts.V1;

namespace Orders.Bench.Load;

public sealed record PlacedOrder(string OrderId, ResponseMode Mode, DateTimeOffset SentAt);

public sealed record FinishedOrder(string OrderId, ResponseMode Mode, OrderStatus Status, TimeSpan PlacedToFinished, DateTimeOffset FinishedAt);

/// <summary>Places benchmark orders, remembers the acknowledged ones, and waits for them to finish.</summary>
public sealed class OrderFlow(OrderService.OrderServiceClient client, string run)
{
    public const string Sku = "BENCH-1";
    private readonly ConcurrentQueue<PlacedOrder> _placed = new();

    public IReadOnlyCollection<PlacedOrder> Placed => _placed;

    public static PlaceOrderRequest Request(string orderId, ResponseMode mode) => new()
    {
        OrderId = orderId,
        CustomerEmail = "bench@example.com",
        Currency = "EUR",
        PaymentToken = "tok_visa",
        Mode = mode,
        Items = { new OrderItem { Sku = Sku, Quantity = 1, UnitPriceMinor = 1999 } },
    };

    public async Task PlaceAsync(long n, ResponseMode mode, TimeSpan deadline)
    {
        var request = Request($"{run}-{mode.ToString().ToLowerInvariant()[..2]}-{n}", mode);
        var sentAt = DateTimeOffset.UtcNow;
        await client.PlaceOrderAsync(request, deadline: DateTime.UtcNow + deadline);
        _placed.Enqueue(new PlacedOrder(request.OrderId, mode, sentAt));
    }

    /// <summary>Polls every acknowledged order until it is terminal (or <paramref name="within"/> passes).</summary>
    public async Task<(IReadOnlyList<FinishedOrder> Finished, int Unfinished)> WaitForAllAsync(TimeSpan within, Action<int, int>? progress = null)
    {
        var pending = _placed.ToDictionary(p => p.OrderId);
        var finished = new ConcurrentBag<FinishedOrder>();
        var giveUpAt = DateTime.UtcNow + within;
        while (pending.Count > 0 && DateTime.UtcNow < giveUpAt)
        {
            await Parallel.ForEachAsync(pending.Values.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (p, ct) =>
            {
                try
                {
                    var order = await client.GetOrderAsync(new GetOrderRequest { OrderId = p.OrderId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                    if (!IsTerminal(order.Status)) return;
                    var at = order.UpdatedAt.ToDateTimeOffset();
                    finished.Add(new FinishedOrder(p.OrderId, p.Mode, order.Status, at - p.SentAt, at));
                }
                catch (RpcException)
                {
                    // asked again on the next round
                }
            });
            foreach (var f in finished) pending.Remove(f.OrderId);
            progress?.Invoke(finished.Count, _placed.Count);
            if (pending.Count > 0) await Task.Delay(250);
        }
        return (finished.ToList(), pending.Count);
    }

    public static bool IsTerminal(OrderStatus status) =>
        status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.PaymentDeclined or OrderStatus.Rejected;
}
