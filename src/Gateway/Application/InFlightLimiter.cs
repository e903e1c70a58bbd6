using Orders.Gateway.Errors;

namespace Orders.Gateway.Application;

/// <summary>Bounds the calls in flight: past the limit a call is refused at once rather than queued behind the others.</summary>
public sealed class InFlightLimiter(int limit)
{
    private int _inFlight;
    private long _shed;

    public int InFlight => Volatile.Read(ref _inFlight);
    /// <summary>Calls refused so far because the limit was reached.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    public Slot Enter()
    {
        if (Interlocked.Increment(ref _inFlight) > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _shed);
            throw new OrderApiException(ApiError.ResourceExhausted, $"the gateway is saturated ({limit} calls in flight); retry with backoff");
        }
        return new Slot(this);
    }

    public readonly struct Slot(InFlightLimiter owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._inFlight);
    }
}
