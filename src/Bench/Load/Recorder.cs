using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Orders.Bench.Load;

public sealed record LatencySummary(long Count, long Errors, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

public sealed record SecondStats(int Second, long Count, long Errors, double P50Ms, double P99Ms);

/// <summary>
/// Latencies of one kind of call in an HDR histogram (microseconds, 3 significant digits), overall and per second of
/// the run in which the call was issued (so a window shows what happened to calls made during it), with the errors
/// by gRPC status. Thread-safe.
/// </summary>
public sealed class Recorder(long startTimestamp)
{
    private const long MaxMicros = 3_600_000_000;
    private readonly LongConcurrentHistogram _all = new(1, MaxMicros, 3);
    private readonly ConcurrentDictionary<int, (LongHistogram Latency, long[] Errors)> _seconds = new();
    private readonly ConcurrentDictionary<string, long> _errorKinds = new();
    private long _errors;

    public Recorder() : this(Stopwatch.GetTimestamp()) { }

    public IReadOnlyDictionary<string, long> ErrorKinds => _errorKinds;

    public void Record(TimeSpan latency, string? error = null)
    {
        var micros = Math.Clamp((long)(latency.TotalMicroseconds), 1, MaxMicros);
        var second = Math.Max(0, (int)(Stopwatch.GetElapsedTime(startTimestamp) - latency).TotalSeconds);
        var bucket = _seconds.GetOrAdd(second, _ => (new LongHistogram(1, MaxMicros, 2), new long[1]));
        if (error is null)
        {
            _all.RecordValue(micros);
            lock (bucket.Latency) bucket.Latency.RecordValue(micros);
            return;
        }
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref bucket.Errors[0]);
        _errorKinds.AddOrUpdate(error, 1, (_, n) => n + 1);
    }

    public LatencySummary Summary() => _all.TotalCount == 0
        ? new(0, Interlocked.Read(ref _errors), 0, 0, 0, 0, 0)
        : new(_all.TotalCount, Interlocked.Read(ref _errors), _all.GetMean() / 1000, Ms(_all, 50), Ms(_all, 95), Ms(_all, 99), _all.GetMaxValue() / 1000.0);

    /// <summary>Latency at each percentile from 0 to 99.99: the distribution a chart draws.</summary>
    public IReadOnlyList<(double Percentile, double Ms)> Distribution() =>
        _all.TotalCount == 0 ? [] : Percentiles.Select(p => (p, Ms(_all, p))).ToList();

    public IReadOnlyList<SecondStats> Timeline()
    {
        var last = _seconds.Keys.DefaultIfEmpty(-1).Max();
        return Enumerable.Range(0, last + 1).Select(s =>
        {
            if (!_seconds.TryGetValue(s, out var b)) return new SecondStats(s, 0, 0, 0, 0);
            lock (b.Latency)
                return new SecondStats(s, b.Latency.TotalCount, Interlocked.Read(ref b.Errors[0]),
                    b.Latency.TotalCount == 0 ? 0 : Ms(b.Latency, 50), b.Latency.TotalCount == 0 ? 0 : Ms(b.Latency, 99));
        }).ToList();
    }

    /// <summary>A summary of the calls that completed between two seconds of the run (e.g. before, during, after an outage).</summary>
    public LatencySummary Window(double fromSecond, double toSecond)
    {
        var merged = new LongHistogram(1, MaxMicros, 2);
        long errors = 0;
        foreach (var (second, b) in _seconds)
        {
            if (second < fromSecond || second >= toSecond) continue;
            lock (b.Latency) merged.Add(b.Latency);
            errors += Interlocked.Read(ref b.Errors[0]);
        }
        return merged.TotalCount == 0
            ? new(0, errors, 0, 0, 0, 0, 0)
            : new(merged.TotalCount, errors, merged.GetMean() / 1000, Ms(merged, 50), Ms(merged, 95), Ms(merged, 99), merged.GetMaxValue() / 1000.0);
    }

    private static readonly double[] Percentiles =
        [.. Enumerable.Range(0, 90).Select(i => (double)i), 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 99.5, 99.9, 99.99];

    private static double Ms(HistogramBase histogram, double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
}
