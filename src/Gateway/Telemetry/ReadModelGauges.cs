using System.Diagnostics.Metrics;
using Orders.Actors.OrderIndex;
using Orders.Actors.Telemetry;

namespace Orders.Gateway.Telemetry;

/// <summary>
/// Steps retrying and parked right now, read from the step-issue read model (never by asking every order actor),
/// every <see cref="Refresh"/> in the background so that a scrape costs no query. Every node reads the same read
/// model: across a cluster, take the max, not the sum.
/// </summary>
public sealed class StepIssueGauges : BackgroundService
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);
    private readonly OrderIndexStore _index;
    private readonly ILogger<StepIssueGauges> _log;
    private volatile IReadOnlyList<(string Status, string Kind, int Count)>? _counts;
    private readonly Lock _reporting = new();
    private IReadOnlyList<(string Status, string Kind)> _reported = [];

    public StepIssueGauges(OrderIndexStore index, OrderMetrics metrics, ILogger<StepIssueGauges> log)
    {
        _index = index;
        _log = log;
        metrics.Meter.CreateObservableGauge("orders.step.issues", Observe, "{step}",
            "Steps retrying (their last delivery failed) or parked (waiting for an operator's replay) now, by status and step");
    }

    private List<Measurement<int>> Observe()
    {
        if (_counts is not { } counts) return []; // not read yet, or the read model cannot be read: no figure rather than a wrong one
        var now = counts.ToDictionary(c => (c.Status, c.Kind), c => c.Count);
        lock (_reporting)
        {
            // A kind that had issues and has none now reports 0 (so its series falls back), not silence.
            _reported = _reported.Union(now.Keys).ToList();
            return _reported.Select(k => new Measurement<int>(now.GetValueOrDefault(k), new("status", k.Status), new("order_step", k.Kind.Replace('-', '_')))).ToList();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Refresh);
        do
        {
            try
            {
                _counts = await _index.StepIssueCountsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_counts is not null) _log.LogWarning("Step-issue gauges not refreshed: the order index cannot be read ({Error})", e.GetBaseException().Message);
                _counts = null;
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
