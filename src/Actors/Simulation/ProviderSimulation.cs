using Orders.Actors.Orders;
using Orders.Actors.Providers;

namespace Orders.Actors.Simulation;

public enum ProviderKind
{
    Payment,
    Inventory,
    Warehouse,
    Email,
    Analytics,
}

public sealed record OutageWindow(DateTimeOffset From, DateTimeOffset Until)
{
    public bool Covers(DateTimeOffset at) => at >= From && at < Until;
}

/// <summary>How a simulated dependency behaves; swapped atomically at run time.</summary>
public sealed record SimulationSettings(
    double LatencyMs,
    double JitterMs = 0,
    double ErrorRate = 0,
    IReadOnlyList<OutageWindow>? Outages = null,
    double? SlowLatencyMs = null)
{
    /// <summary>The seed's figures: payment 400, inventory 200, warehouse 300, email 800, analytics 150 ms.</summary>
    public static SimulationSettings SeedDefault(ProviderKind kind) => new(kind switch
    {
        ProviderKind.Payment => 400,
        ProviderKind.Inventory => 200,
        ProviderKind.Warehouse => 300,
        ProviderKind.Email => 800,
        ProviderKind.Analytics => 150,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    });

    public static SimulationSettings Instant => new(0);

    public SimulationSettings WithOutage(DateTimeOffset from, TimeSpan duration) =>
        this with { Outages = [.. Outages ?? [], new OutageWindow(from, from + duration)] };

    public bool InOutage(DateTimeOffset at) => Outages?.Any(w => w.Covers(at)) ?? false;

    /// <summary>Latencies beyond this are not a simulation of anything (and TimeSpan arithmetic on them overflows).</summary>
    public const double MaxLatencyMs = 600_000;
    public const int MaxOutages = 50;
    public static readonly TimeSpan MaxOutage = TimeSpan.FromDays(1);

    /// <summary>Every bad field, named as the REST API spells it; empty when the settings can be applied.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var problems = new List<FieldViolation>();
        void Milliseconds(string field, double? value)
        {
            if (value is { } ms && (!double.IsFinite(ms) || ms < 0 || ms > MaxLatencyMs))
                problems.Add(new(field, $"must be a number of milliseconds from 0 to {MaxLatencyMs:0}"));
        }
        Milliseconds("latency_ms", LatencyMs);
        Milliseconds("jitter_ms", JitterMs);
        Milliseconds("slow_latency_ms", SlowLatencyMs);
        if (!double.IsFinite(ErrorRate) || ErrorRate is < 0 or > 1)
            problems.Add(new("error_rate", "must be a fraction from 0 to 1"));
        var outages = Outages ?? [];
        if (outages.Count > MaxOutages)
            problems.Add(new("outages", $"must hold at most {MaxOutages} windows"));
        for (var i = 0; i < Math.Min(outages.Count, MaxOutages); i++)
        {
            if (outages[i] is not { } window)
                problems.Add(new($"outages[{i}]", "must be a window with from and until"));
            else if (window.Until <= window.From)
                problems.Add(new($"outages[{i}].until", "must be after from"));
            else if (window.Until - window.From > MaxOutage)
                problems.Add(new($"outages[{i}].until", $"the window must not be longer than {MaxOutage.TotalHours:0} hours"));
        }
        return problems;
    }
}

/// <summary>Latency and faults of one simulated dependency. Thread-safe: provider calls run concurrently.</summary>
public sealed class ProviderSimulation(ProviderKind kind, SimulationSettings settings, TimeProvider? clock = null)
{
    private SimulationSettings _settings = settings;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private int _failuresToInject;

    public ProviderKind Kind { get; } = kind;
    public SimulationSettings Settings => Volatile.Read(ref _settings);

    public void Configure(SimulationSettings settings)
    {
        var problems = settings.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid {Kind} simulation: {string.Join("; ", problems.Select(p => $"{p.Field} {p.Message}"))}");
        Volatile.Write(ref _settings, settings);
    }

    /// <summary>Deterministic fault injection: the next <paramref name="count"/> calls fail, whatever the settings say.</summary>
    public void FailNextCalls(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
        Volatile.Write(ref _failuresToInject, count);
    }

    public TimeSpan NextLatency()
    {
        var s = Settings;
        var mean = s.SlowLatencyMs ?? s.LatencyMs;
        var ms = s.JitterMs > 0 ? mean + (Random.Shared.NextDouble() * 2 - 1) * s.JitterMs : mean;
        return TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, SimulationSettings.MaxLatencyMs));
    }

    /// <summary>Waits like the real dependency would, then fails if it is down or unlucky.</summary>
    public async Task SimulateCallAsync(CancellationToken ct)
    {
        // An outage refuses connections at once, as a dead host does; errors come after the usual latency.
        if (Settings.InOutage(_clock.GetUtcNow()))
            throw new ProviderUnavailableException($"{Kind} provider is down (simulated outage)");
        var latency = NextLatency();
        if (latency > TimeSpan.Zero) await Task.Delay(latency, _clock, ct).ConfigureAwait(false);
        var s = Settings;
        if (s.InOutage(_clock.GetUtcNow()))
            throw new ProviderUnavailableException($"{Kind} provider is down (simulated outage)");
        if (Volatile.Read(ref _failuresToInject) > 0 && Interlocked.Decrement(ref _failuresToInject) >= 0)
            throw new ProviderUnavailableException($"{Kind} provider failed (injected failure)");
        if (s.ErrorRate > 0 && Random.Shared.NextDouble() < s.ErrorRate)
            throw new ProviderUnavailableException($"{Kind} provider failed (simulated error rate {s.ErrorRate:P0})");
    }
}
