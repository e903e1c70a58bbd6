using Orders.Actors.Messaging;

namespace Orders.Actors.Inventory;

public interface IWithSku
{
    string Sku { get; }
}

public static class InventoryCommands
{
    /// <summary>Sets the units on hand that are free to reserve (a stock count or a restock).</summary>
    public sealed record SetStock(string Sku, long Available, MessageContext Context) : IWithSku, ITraced, IOrderSystemMessage;

    /// <summary>Sets the stock only if the SKU never had any set: safe to send at every start-up.</summary>
    public sealed record SeedStock(string Sku, long Available, MessageContext Context) : IWithSku, ITraced, IOrderSystemMessage;

    public sealed record GetStock(string Sku, MessageContext Context) : IWithSku, ITraced, IOrderSystemMessage;

    /// <summary>
    /// <paramref name="Available"/>: units free to reserve. <paramref name="Allocated"/>: units orders took and did not give
    /// back - reserved for orders still running and shipped for completed ones (a SKU does not learn which); released
    /// units return to available. <paramref name="Stocked"/>: stock was ever set for the SKU (orders for others are refused).
    /// </summary>
    public sealed record StockLevel(string Sku, long Available, long Allocated, int AllocatingOrders, bool Stocked) : IWithSku, IOrderSystemMessage;
}

public static class InventoryEvents
{
    public interface IInventoryEvent : IWithSku, IOrderSystemMessage;

    public sealed record StockLevelSet(string Sku, long Available) : IInventoryEvent;

    public sealed record StockReserved(string Sku, string OrderId, int Quantity) : IInventoryEvent;

    public sealed record ReservationRefused(string Sku, string OrderId, int Quantity, long Available) : IInventoryEvent;

    public sealed record StockReleased(string Sku, string OrderId, int Quantity) : IInventoryEvent;

    /// <summary>A release that came before its reservation: the reservation, if it ever arrives, is refused.</summary>
    public sealed record ReservationVoided(string Sku, string OrderId) : IInventoryEvent;
}
