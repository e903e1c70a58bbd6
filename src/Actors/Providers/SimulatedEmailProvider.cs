using System.Collections.Concurrent;

namespace Orders.Actors.Providers;

/// <summary>An email service in memory; it accepts an idempotency key per message, as transactional mail APIs do.</summary>
public sealed class SimulatedEmailProvider(ProviderSimulation simulation) : IEmailProvider
{
    private readonly ConcurrentDictionary<string, EmailMessage> _sent = new();
    private readonly ConcurrentDictionary<string, int> _deliveries = new();
    private int _calls;

    public ProviderSimulation Simulation { get; } = simulation;
    public int Calls => Volatile.Read(ref _calls);
    public IReadOnlyCollection<EmailMessage> Sent => _sent.Values.ToList();
    public int DeliveriesFor(string idempotencyKey) => _deliveries.GetValueOrDefault(idempotencyKey);

    public async Task<string> SendAsync(EmailMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        if (_sent.TryAdd(message.IdempotencyKey, message))
            _deliveries.AddOrUpdate(message.IdempotencyKey, 1, (_, n) => n + 1);
        return $"msg_{message.IdempotencyKey}";
    }
}
