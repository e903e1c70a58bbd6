using System.Collections.Concurrent;
using Orders.Actors.Orders;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

/// <summary>A warehouse in memory: one shipment per order id; a cancelled order can never get one afterwards.</summary>
public sealed class SimulatedWarehouseProvider(ProviderSimulation simulation) : IWarehouseProvider
{
    public enum ShipmentState { Created, Cancelled }

    private readonly ConcurrentDictionary<string, ShipmentState> _shipments = new();
    private readonly ConcurrentDictionary<string, int> _created = new();
    private int _calls;

    public ProviderSimulation Simulation { get; } = simulation;
    public int Calls => Volatile.Read(ref _calls);
    public int ShipmentsCreatedFor(string orderId) => _created.GetValueOrDefault(orderId);
    public ShipmentState? StateOf(string orderId) => _shipments.TryGetValue(orderId, out var s) ? s : null;
    public int ActiveShipments => _shipments.Values.Count(s => s == ShipmentState.Created);

    public async Task<string> CreateShipmentAsync(string orderId, IReadOnlyList<OrderLine> lines, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        var state = _shipments.GetOrAdd(orderId, id =>
        {
            _created.AddOrUpdate(id, 1, (_, n) => n + 1);
            return ShipmentState.Created;
        });
        if (state == ShipmentState.Cancelled)
            throw new ProviderRefusedException($"the shipment for order '{orderId}' was cancelled");
        return $"shp_{orderId}";
    }

    public async Task CancelShipmentAsync(string orderId, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        _shipments[orderId] = ShipmentState.Cancelled;
    }
}
