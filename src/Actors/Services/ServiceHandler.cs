using Orders.Actors.Workflows;

namespace Orders.Actors.Services;

/// <summary>Turns a service request into one provider call. Exceptions mean "transient"; business refusals are replies.</summary>
public interface IServiceHandler
{
    string Service { get; }

    Task<object> ExecuteAsync(IServiceRequest request, CancellationToken ct);

    /// <summary>The reply for a call that failed transiently (exception or timeout).</summary>
    object TransientFailure(IServiceRequest request, string reason);

    /// <summary>
    /// The reason, when <paramref name="reply"/> is a business refusal (in the handler's own reply vocabulary): it had
    /// no effect to remember, so a later delivery of the same key must reach the provider again.
    /// </summary>
    string? RefusalOf(object reply) => null;
}

/// <summary>How one supervised service behaves when its provider misbehaves; bound from "Orders:Supervision".</summary>
public sealed record SupervisionSettings
{
    /// <summary>One provider call may take this long before it counts as a failure.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Consecutive failures that crash the worker, so that its BackoffSupervisor backs off (the breaker opens).</summary>
    public int TripAfterConsecutiveFailures { get; init; } = 5;
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long at most between two probes of a provider that keeps failing. Short, because a probe is cheap (at most
    /// <see cref="TripAfterConsecutiveFailures"/> calls) and the work waiting on the provider goes out as soon as one succeeds.
    /// </summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);
    public double RandomFactor { get; init; } = 0.2;
    /// <summary>A worker that stays up this long has its restart count forgotten.</summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromSeconds(30);
    public int DedupeCacheSize { get; init; } = 20_000;
    /// <summary>Fire-and-forget requests that failed or were refused, remembered so their orders send them the moment the provider recovers.</summary>
    public int HoldWhileBackingOff { get; init; } = 10_000;

    public static SupervisionSettings Default => new();

    public BackoffPolicy Backoff => new(MinBackoff, MaxBackoff, RandomFactor);
}
