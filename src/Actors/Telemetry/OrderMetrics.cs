using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.DependencyInjection;
using Orders.Actors.Orders;
using Orders.Actors.Services;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Telemetry;

/// <summary>
/// The order system's instruments, named and measured the OpenTelemetry way (dot-separated names, UCUM units, seconds).
/// Each fact is recorded once, where it becomes true: an order's events as they are persisted live, never when an
/// actor replays them on recovery, so a restart or a hand-off counts nothing again.
/// </summary>
public sealed class OrderMetrics : IServiceObserver
{
    public const string MeterName = "Orders";

    /// <summary>For actors started without a host (the TestKit specs): a process-wide meter that no node's metrics collect.</summary>
    public static readonly OrderMetrics Unobserved = new(new Meter(MeterName));

    private readonly Counter<long> _placed;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _declined;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _completion;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<long> _stepAttempts;
    private readonly Counter<long> _redeliveries;
    private readonly Counter<long> _parked;
    private readonly Histogram<long> _paymentAttempts;
    private readonly Histogram<long> _journalBatchSize;
    private readonly Histogram<double> _journalCommit;
    private readonly Counter<long> _serviceTrips;
    private readonly Counter<long> _serviceRestarts;
    /// <summary>Each supervised service's state as its gateway last set it: 1 backing off, 0 healthy.</summary>
    private readonly ConcurrentDictionary<string, int> _backingOff = new();

    /// <summary>The node's instruments, from the host's meter factory: two nodes in one process keep their own counts.</summary>
    public OrderMetrics(IMeterFactory meters) : this(meters.Create(MeterName)) { }

    private OrderMetrics(Meter meter)
    {
        Meter = meter;
        _placed = meter.CreateCounter<long>("orders.placed", "{order}", "Orders accepted, by response mode");
        _completed = meter.CreateCounter<long>("orders.completed", "{order}", "Orders completed (paid, stock reserved, shipment created)");
        _cancelled = meter.CreateCounter<long>("orders.cancelled", "{order}", "Orders cancelled, by the client or after a fulfilment step failed, and compensated");
        _declined = meter.CreateCounter<long>("orders.declined", "{order}", "Orders whose payment was declined");
        _rejected = meter.CreateCounter<long>("orders.rejected", "{order}", "Orders rejected because payment could not be decided (attempts exhausted or the service unavailable); any charge is voided");
        _completion = meter.CreateHistogram<double>("orders.completion.duration", "s", "From the order's placement to its terminal state, by mode and final status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 900, 3600] });
        _stepDuration = meter.CreateHistogram<double>("orders.step.duration", "s", "From sending a fire-and-forget step to its recorded outcome (the last attempt), by step and outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30] });
        _stepAttempts = meter.CreateHistogram<long>("orders.step.attempts", "{attempt}", "Deliveries a step took until its outcome was recorded or it was parked",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 3, 5, 8, 13, 21, 50, 100] });
        _redeliveries = meter.CreateCounter<long>("orders.step.redeliveries", "{delivery}", "Step deliveries that failed or went unanswered and were scheduled again, by step");
        _parked = meter.CreateCounter<long>("orders.step.parked", "{step}", "Steps parked after their last attempt, waiting for an operator's replay, by step");
        _paymentAttempts = meter.CreateHistogram<long>("orders.payment.attempts", "{attempt}", "Synchronous payment asks per order until a decision, by outcome",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 3, 4, 5, 8] });
        _journalBatchSize = meter.CreateHistogram<long>("orders.journal.batch.size", "{event}", "Events written to the journal in one transaction (concurrent persists gathered into one batch)",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        _journalCommit = meter.CreateHistogram<double>("orders.journal.commit.duration", "s", "Writing and committing one journal batch, by outcome (committed or failed)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableGauge("orders.service.backing_off", () => _backingOff.Select(s => new Measurement<int>(s.Value, Service(s.Key))), "{service}",
            "1 while the service's supervisor backs off after a trip (calls answered \"unavailable\" at once, the breaker open), 0 while healthy");
        _serviceTrips = meter.CreateCounter<long>("orders.service.trips", "{trip}", "Times a service's worker tripped after consecutive failures and its supervisor began backing off");
        _serviceRestarts = meter.CreateCounter<long>("orders.service.restarts", "{restart}", "Times a service's worker was restarted by its supervisor after backing off");
    }

    public Meter Meter { get; }

    /// <summary>An event the order has just persisted (not replayed), with the state before and after it.</summary>
    public void Persisted(IOrderEvent persisted, OrderState before, OrderState after)
    {
        var mode = new KeyValuePair<string, object?>("order.mode", Spelling.Snake(after.Mode));
        switch (persisted)
        {
            case OrderPlaced:
                _placed.Add(1, mode);
                break;
            case StepSucceeded s:
                StepSettled(s.Step, "succeeded", s.Attempts, s.SentAt, s.At);
                break;
            case StepFailed f:
                StepSettled(f.Step, "failed", f.Attempts, f.SentAt, f.At);
                break;
            case StepAttemptFailed a:
                _redeliveries.Add(1, Step(a.Step));
                break;
            case StepParked p:
                _parked.Add(1, Step(p.Step));
                _stepAttempts.Record(p.Attempts, Step(p.Step), Outcome("parked"));
                break;
            case PaymentAuthorized a when a.Attempts > 0:
                _paymentAttempts.Record(a.Attempts, Outcome("authorized"));
                break;
            case PaymentDeclined d when d.Attempts > 0:
                _paymentAttempts.Record(d.Attempts, Outcome("declined"));
                break;
            case PaymentRejected r when r.Attempts > 0:
                _paymentAttempts.Record(r.Attempts, Outcome("rejected"));
                break;
        }
        if (after.Status == before.Status || after.Status is not { } status || !status.IsTerminal()) return;
        var counter = status switch
        {
            OrderStatus.Completed => _completed,
            OrderStatus.Cancelled => _cancelled,
            OrderStatus.PaymentDeclined => _declined,
            _ => _rejected,
        };
        counter.Add(1, mode);
        _completion.Record(Math.Max(0, (after.UpdatedAt - after.PlacedAt).TotalSeconds), mode, new("order.status", Spelling.Snake(status)));
    }

    /// <summary>One journal batch written: its events, how long it took, whether it was committed.</summary>
    public void JournalBatchWritten(int events, TimeSpan took, bool committed)
    {
        var outcome = Outcome(committed ? "committed" : "failed");
        _journalBatchSize.Record(events, outcome);
        _journalCommit.Record(took.TotalSeconds, outcome);
    }

    /// <summary>
    /// The host's instruments, for what Akka creates itself (the journal plugin): from the system's service provider when
    /// it was started through Akka.Hosting, else <see cref="Unobserved"/>.
    /// </summary>
    public static OrderMetrics For(ActorSystem system) =>
        system.Settings.Setup.Get<DependencyResolverSetup>().HasValue
            ? DependencyResolver.For(system).Resolver.GetService<OrderMetrics>() ?? Unobserved
            : Unobserved;

    /// <summary>A supervised service's gateway started (healthy until it trips).</summary>
    public void ServiceStarted(string service) => _backingOff[service] = 0;

    public void ServiceTripped(string service)
    {
        _backingOff[service] = 1;
        _serviceTrips.Add(1, Service(service));
    }

    /// <summary>The worker runs again after backing off: healthy until it trips again.</summary>
    public void ServiceRestarted(string service)
    {
        _backingOff[service] = 0;
        _serviceRestarts.Add(1, Service(service));
    }

    /// <summary>A service's gateway stopped (an idle webhook destination forgotten): it is no longer reported.</summary>
    public void ServiceGone(string service) => _backingOff.TryRemove(service, out _);

    private void StepSettled(StepId step, string outcome, int attempts, DateTimeOffset? sentAt, DateTimeOffset at)
    {
        // Events written before attempts and send times were recorded carry 0 and null: nothing to measure.
        if (sentAt is { } sent) _stepDuration.Record(Math.Max(0, (at - sent).TotalSeconds), Step(step), Outcome(outcome));
        if (attempts > 0) _stepAttempts.Record(attempts, Step(step), Outcome(outcome));
    }

    private static KeyValuePair<string, object?> Service(string service) => new("service", service);
    private static KeyValuePair<string, object?> Step(StepId step) => new("order.step", Spelling.Snake(step.Kind));
    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);
}
