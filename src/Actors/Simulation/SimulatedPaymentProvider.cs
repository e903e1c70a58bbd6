using System.Collections.Concurrent;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

/// <summary>
/// A payment processor in memory. Like Stripe it honours idempotency keys: a repeated authorization with a key
/// it has seen returns the first answer and charges nothing more. Tokens starting with "tok_decline" are declined.
/// </summary>
public sealed class SimulatedPaymentProvider(ProviderSimulation simulation) : IPaymentProvider
{
    public const string DeclinePrefix = "tok_decline";

    private readonly ConcurrentDictionary<string, Lazy<Task<PaymentAuthorization>>> _authorizations = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _refunds = new();
    private readonly ConcurrentDictionary<string, int> _charges = new();
    private readonly ConcurrentDictionary<string, int> _refunded = new();
    private int _authorizeCalls;

    public ProviderSimulation Simulation { get; } = simulation;
    public int AuthorizeCalls => Volatile.Read(ref _authorizeCalls);

    /// <summary>How many times money was actually taken for the key (0 or 1 unless idempotency broke).</summary>
    public int ChargesFor(string idempotencyKey) => _charges.GetValueOrDefault(idempotencyKey);
    public int TotalCharges => _charges.Values.Sum();
    public int DuplicateCharges => _charges.Values.Count(n => n > 1);
    public int RefundsFor(string paymentKey) => _refunded.GetValueOrDefault(paymentKey);
    public int TotalRefunds => _refunded.Values.Sum();
    /// <summary>Money taken and not given back.</summary>
    public int NetCharges => TotalCharges - TotalRefunds;

    public async Task<PaymentAuthorization> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, string paymentToken, CancellationToken ct)
    {
        Interlocked.Increment(ref _authorizeCalls);
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        var lazy = _authorizations.GetOrAdd(idempotencyKey, key => new Lazy<Task<PaymentAuthorization>>(() => Task.FromResult(Decide(key, amountMinor, currency, paymentToken))));
        return await lazy.Value.ConfigureAwait(false);
    }

    private PaymentAuthorization Decide(string key, long amountMinor, string currency, string token)
    {
        if (_refunds.ContainsKey(key))
            return new PaymentAuthorization(false, null, "the payment was voided before it was authorized");
        if (token.StartsWith(DeclinePrefix, StringComparison.Ordinal))
            return new PaymentAuthorization(false, null, $"card declined by issuer (token {token})");
        _charges.AddOrUpdate(key, 1, (_, n) => n + 1);
        return new PaymentAuthorization(true, $"auth_{key}_{amountMinor}{currency}", null);
    }

    public async Task<string> RefundAsync(string paymentKey, string? authorizationId, long amountMinor, string currency, CancellationToken ct)
    {
        await Simulation.SimulateCallAsync(ct).ConfigureAwait(false);
        var lazy = _refunds.GetOrAdd(paymentKey, key => new Lazy<Task<string>>(() =>
        {
            // Void first, so an authorization still in flight under this key can no longer charge.
            var authorization = _authorizations.GetOrAdd(key, _ => new Lazy<Task<PaymentAuthorization>>(() =>
                Task.FromResult(new PaymentAuthorization(false, null, "the payment was voided before it was authorized"))));
            if (!authorization.Value.Result.Approved) return Task.FromResult($"void_{key}");
            _refunded.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Task.FromResult($"refund_{key}");
        }));
        return await lazy.Value.ConfigureAwait(false);
    }
}
