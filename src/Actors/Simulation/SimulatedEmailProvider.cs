using System.Collections.Concurrent;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

/// <summary>An email service in memory; it accepts an idempotency key per message, as transactional mail APIs do.</summary>
public sealed class SimulatedEmailProvider(ProviderSimulation simulation) : IEmailProvider
{
    private readonly ConcurrentDictionary<string, EmailMessage> _sent = new();
    private readonly ConcurrentDictionary<string, int> _deliveries = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deliveredAt = new();
    private int _calls;

    public ProviderSimulation Simulation { get; } = simulation;
    public int Calls => Volatile.Read(ref _calls);
    public IReadOnlyCollection<EmailMessage> Sent => _sent.Values.ToList();
    public int DeliveriesFor(string idempotencyKey) => _deliveries.GetValueOrDefault(idempotencyKey);
    /// <summary>When the message with this key was first delivered, if it was.</summary>
    public DateTimeOffset? DeliveredAt(string idempotencyKey) => _deliveredAt.TryGetValue(idempotencyKey, out var at) ? at : null;

    public async Task<string> SendAsync(EmailMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        if (_sent.TryAdd(message.IdempotencyKey, message))
        {
            _deliveredAt.TryAdd(message.IdempotencyKey, DateTimeOffset.UtcNow);
            _deliveries.AddOrUpdate(message.IdempotencyKey, 1, (_, n) => n + 1);
        }
        return $"msg_{message.IdempotencyKey}";
    }
}
