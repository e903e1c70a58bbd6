using System.Collections.Immutable;
using Orders.Actors.Messaging;
using static Orders.Actors.Inventory.InventoryEvents;

namespace Orders.Actors.Inventory;

public enum ReservationStatus
{
    Reserved,
    Refused,
    Released,
}

public sealed record Reservation(int Quantity, ReservationStatus Status);

/// <summary>
/// Stock of one SKU and every order's reservation against it. Reservations are kept by order id, so a
/// redelivered reserve or release gets the first answer again and moves no stock.
/// </summary>
public sealed record InventoryState(string Sku, long Available, ImmutableDictionary<string, Reservation> Reservations, bool Stocked = false) : IOrderSystemMessage
{
    public static InventoryState Empty(string sku) => new(sku, 0, ImmutableDictionary<string, Reservation>.Empty);

    /// <summary>Units taken by orders and never released (reserved or already shipped).</summary>
    public long AllocatedUnits => Reservations.Values.Where(r => r.Status == ReservationStatus.Reserved).Sum(r => (long)r.Quantity);

    public InventoryCommands.StockLevel Level => new(Sku, Available, AllocatedUnits,
        Reservations.Values.Count(r => r.Status == ReservationStatus.Reserved), Stocked);

    /// <summary>The event to record, or null when the answer is already on record.</summary>
    public IInventoryEvent? Reserve(string orderId, int quantity)
    {
        if (Reservations.ContainsKey(orderId)) return null;
        return Available >= quantity
            ? new StockReserved(Sku, orderId, quantity)
            : new ReservationRefused(Sku, orderId, quantity, Available);
    }

    public IInventoryEvent? Release(string orderId) => Reservations.TryGetValue(orderId, out var r)
        ? r.Status == ReservationStatus.Reserved ? new StockReleased(Sku, orderId, r.Quantity) : null
        : new ReservationVoided(Sku, orderId);

    /// <summary>What the reservation of <paramref name="orderId"/> amounts to: success, or the reason it failed.</summary>
    public (bool Reserved, string Detail) ReservationAnswer(string orderId) => Reservations.GetValueOrDefault(orderId) switch
    {
        { Status: ReservationStatus.Reserved } r => (true, $"reserved {r.Quantity} of {Sku}"),
        { Status: ReservationStatus.Refused } r => (false, $"out of stock: {Sku} has fewer than the {r.Quantity} units requested"),
        { Status: ReservationStatus.Released } => (false, $"the reservation of {Sku} for this order was released"),
        _ => (false, $"no reservation of {Sku} for this order"),
    };

    public InventoryState Apply(IInventoryEvent @event) => @event switch
    {
        StockLevelSet e => this with { Available = e.Available, Stocked = true },
        StockReserved e => this with { Available = Available - e.Quantity, Reservations = Reservations.SetItem(e.OrderId, new(e.Quantity, ReservationStatus.Reserved)) },
        ReservationRefused e => this with { Reservations = Reservations.SetItem(e.OrderId, new(e.Quantity, ReservationStatus.Refused)) },
        StockReleased e => this with { Available = Available + e.Quantity, Reservations = Reservations.SetItem(e.OrderId, new(e.Quantity, ReservationStatus.Released)) },
        ReservationVoided e => this with { Reservations = Reservations.SetItem(e.OrderId, new(0, ReservationStatus.Released)) },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "unknown inventory event"),
    };
}
