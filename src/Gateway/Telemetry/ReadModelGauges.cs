using System.Diagnostics.Metrics;
using Akka.Actor;
using Orders.Actors.OrderIndex;
using Orders.Actors.Streams;
using Orders.Actors.Telemetry;

namespace Orders.Gateway.Telemetry;

/// <summary>
/// Gauges of the read side, read every <see cref="Refresh"/> in the background so that a scrape costs no query:
/// steps retrying and parked now, from the step-issue read model (never by asking every order actor), and how far
/// each event-stream consumer running on this node is behind the journal. Every node reads the same step-issue
/// read model, so across a cluster take its max, not its sum; a consumer runs on one node at a time (a singleton).
/// </summary>
public sealed class ReadModelGauges : BackgroundService
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);
    private readonly OrderIndexStore _index;
    private readonly EventStreamLag _lag;
    private readonly ILogger<ReadModelGauges> _log;
    private volatile IReadOnlyList<(string Workflow, string Status, string Kind, int Count)>? _issues;
    private volatile IReadOnlyList<(string Consumer, long Behind)>? _behind;
    private readonly Lock _reporting = new();
    private IReadOnlyList<(string Workflow, string Status, string Kind)> _reported = [];

    public ReadModelGauges(OrderIndexStore index, ActorSystem system, OrderMetrics metrics, ILogger<ReadModelGauges> log)
    {
        _index = index;
        _lag = EventStreamLag.For(system);
        _log = log;
        metrics.Meter.CreateObservableGauge("orders.step.issues", ObserveIssues, "{step}",
            "Steps retrying (their last delivery failed) or parked (waiting for an operator's replay) now, by workflow, status and step");
        metrics.Meter.CreateObservableGauge("orders.projection.lag", ObserveLag, "{event}",
            $"Events a consumer of a workflow's event stream running on this node has still to process, by projection (exact within {EventStreamLag.ExactWithin:N0} journal rows, beyond that every row counts)");
    }

    private List<Measurement<int>> ObserveIssues()
    {
        if (_issues is not { } counts) return []; // not read yet, or the read model cannot be read: no figure rather than a wrong one
        var now = counts.ToDictionary(c => (c.Workflow, c.Status, c.Kind), c => c.Count);
        lock (_reporting)
        {
            // A kind that had issues and has none now reports 0 (so its series falls back), not silence.
            _reported = _reported.Union(now.Keys).ToList();
            return _reported.Select(k => new Measurement<int>(now.GetValueOrDefault(k), new("workflow", k.Workflow), new("status", k.Status),
                new("order_step", k.Kind.Replace('-', '_')))).ToList();
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag() =>
        (_behind ?? []).Select(c => new Measurement<long>(c.Behind, new KeyValuePair<string, object?>("projection", c.Consumer)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Refresh);
        do
        {
            _issues = await ReadAsync("Step-issue gauges", _issues, () => _index.StepIssueCountsAsync(stoppingToken));
            _behind = await ReadAsync("Projection lag", _behind, () => _lag.MeasureAsync(stoppingToken));
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<T?> ReadAsync<T>(string gauges, T? last, Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (last is not null) _log.LogWarning("{Gauges} not refreshed: the database cannot be read ({Error})", gauges, e.GetBaseException().Message);
            return null;
        }
    }
}
