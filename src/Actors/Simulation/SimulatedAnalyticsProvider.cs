using System.Collections.Concurrent;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

/// <summary>An analytics sink in memory, keyed by order id so a redelivered batch is recorded once.</summary>
public sealed class SimulatedAnalyticsProvider(ProviderSimulation simulation) : IAnalyticsProvider
{
    private readonly ConcurrentDictionary<string, AnalyticsRecord> _records = new();
    private int _calls;

    public ProviderSimulation Simulation { get; } = simulation;
    public int Calls => Volatile.Read(ref _calls);
    public int RecordCount => _records.Count;
    public bool HasRecordFor(string orderId) => _records.ContainsKey(orderId);

    public async Task RecordAsync(IReadOnlyList<AnalyticsRecord> records, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        foreach (var record in records) _records.TryAdd(record.OrderId, record);
    }
}
