namespace Orders.Gateway.Application;

/// <summary>Bounds the calls in flight: past the limit a call is refused at once rather than queued behind the others.</summary>
public sealed class InFlightLimiter(int limit)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public Slot Enter()
    {
        if (Interlocked.Increment(ref _inFlight) > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new OrderApiException(ApiError.ResourceExhausted, $"the gateway is saturated ({limit} calls in flight); retry with backoff");
        }
        return new Slot(this);
    }

    public readonly struct Slot(InFlightLimiter owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._inFlight);
    }
}
