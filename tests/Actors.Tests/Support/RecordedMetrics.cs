using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orders.Actors.Telemetry;

namespace Orders.Actors.Tests.Support;

/// <summary>Every measurement of one node's order meter (by its meter factory), kept for a spec to add up.</summary>
public sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)> _measurements = new();

    public RecordedMetrics(IMeterFactory node)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == node && instrument.Meter.Name == OrderMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        _measurements.Enqueue((instrument.Name, value, copy));
    }

    /// <summary>Measurements of <paramref name="instrument"/> with every one of <paramref name="tags"/> ("key=value").</summary>
    public IReadOnlyList<double> Of(string instrument, params string[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && tags.All(t => t.Split('=', 2) is [var k, var v] && Equals(m.Tags.GetValueOrDefault(k)?.ToString(), v)))
            .Select(m => m.Value).ToList();

    public double Sum(string instrument, params string[] tags) => Of(instrument, tags).Sum();

    public void Dispose() => _listener.Dispose();
}
