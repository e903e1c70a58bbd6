using System.Diagnostics.Metrics;
using Orders.Actors.Orders;
using Orders.Actors.Telemetry;

namespace Orders.Gateway.Telemetry;

/// <summary>The gateway's own instruments, on the order system's meter: what clients see of it.</summary>
public sealed class GatewayMetrics
{
    private readonly Histogram<double> _placement;

    /// <param name="inFlight">Calls in flight now.</param>
    /// <param name="shed">Calls refused so far because too many were in flight.</param>
    public GatewayMetrics(OrderMetrics orders, Func<int> inFlight, Func<long> shed)
    {
        var meter = orders.Meter;
        _placement = meter.CreateHistogram<double>("orders.client.duration", "s",
            "A place call from its arrival to its answer, by response mode and outcome (the order's status, or the error)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableUpDownCounter("orders.client.in_flight", inFlight, "{call}", "Client calls being answered now");
        meter.CreateObservableCounter("orders.client.shed", shed, "{call}", "Client calls refused at once because the gateway was saturated");
    }

    public void Placed(ResponseMode mode, string outcome, TimeSpan took) =>
        _placement.Record(took.TotalSeconds, new KeyValuePair<string, object?>("order.mode", Spelling.Snake(mode)), new KeyValuePair<string, object?>("outcome", outcome));
}
