using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Hosting;
using Orders.Actors.Hosting;
using Orders.Actors.Inventory;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;

namespace Orders.Gateway.Application;

/// <summary>
/// Which SKUs the system stocks: an order for one it never stocked is refused at placement, before anyone is charged
/// (it used to be charged, then refunded when the reservation failed). A SKU once stocked stays known, so only SKUs
/// not seen yet cost a question to their inventory entity.
/// </summary>
public sealed class SkuCatalog(IRequiredActor<ActorKeys.Inventory> inventory)
{
    /// <summary>Short on purpose: the check must not hold a checkout hostage to a slow stock entity.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, byte> _stocked = new(StringComparer.Ordinal);

    /// <summary>One violation per line whose SKU was never stocked.</summary>
    public async Task<IReadOnlyList<FieldViolation>> UnstockedAsync(OrderDetails details, CancellationToken ct)
    {
        var unknown = details.Lines.Select(l => l.Sku).Where(s => !_stocked.ContainsKey(s)).Distinct().ToList();
        if (unknown.Count == 0) return [];
        var answers = await Task.WhenAll(unknown.Select(sku => IsStockedAsync(sku, ct)));
        var never = unknown.Where((_, i) => !answers[i]).ToHashSet();
        return details.Lines.Select((line, i) => (line, i)).Where(x => never.Contains(x.line.Sku))
            .Select(x => new FieldViolation($"items[{x.i}].sku", $"'{x.line.Sku}' is not a SKU this store stocks"))
            .ToList();
    }

    /// <summary>Stocked, or the stock could not be asked: an unreachable stock entity must not turn away real orders.</summary>
    private async Task<bool> IsStockedAsync(string sku, CancellationToken ct)
    {
        try
        {
            var level = await inventory.ActorRef.Ask<InventoryCommands.StockLevel>(new InventoryCommands.GetStock(sku, MessageContext.New()), AskTimeout, ct);
            if (level.Stocked) _stocked.TryAdd(sku, 0);
            return level.Stocked;
        }
        catch (AskTimeoutException)
        {
            return true;
        }
    }

    public void Remember(InventoryCommands.StockLevel level)
    {
        if (level.Stocked) _stocked.TryAdd(level.Sku, 0);
    }
}
