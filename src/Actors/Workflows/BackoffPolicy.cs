namespace Orders.Actors.Workflows;

/// <summary>Exponential backoff with jitter: attempt n waits min * 2^(n-1), capped at max, stretched by up to randomFactor.</summary>
public sealed record BackoffPolicy(TimeSpan Min, TimeSpan Max, double RandomFactor)
{
    public TimeSpan Nominal(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ms = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ms);
    }

    public TimeSpan Delay(int attempt) => Nominal(attempt) * (1 + Random.Shared.NextDouble() * RandomFactor);

    public TimeSpan UpperBound(int attempt) => Nominal(attempt) * (1 + RandomFactor);
}
