namespace Orders.Bench;

/// <summary>Collects latencies in milliseconds and reports percentiles (nearest rank).</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _samples = [];

    public void Record(double milliseconds)
    {
        lock (_samples) _samples.Add(milliseconds);
    }

    public int Count { get { lock (_samples) return _samples.Count; } }

    public double Percentile(double p)
    {
        lock (_samples)
        {
            if (_samples.Count == 0) return double.NaN;
            var sorted = _samples.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
        }
    }

    public double Mean { get { lock (_samples) return _samples.Count == 0 ? double.NaN : _samples.Average(); } }
}
