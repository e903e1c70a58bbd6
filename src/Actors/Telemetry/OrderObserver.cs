using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Telemetry;

/// <summary>The order's metrics, spans and logs, hooked into the workflow kernel.</summary>
public sealed class OrderObserver(OrderMetrics metrics, ILogger log) : WorkflowObserver<OrderState, IOrderEvent, StepId>
{
    /// <summary>The log category of everything an order logs: still the name of the actor that used to log it, so operators' log filters keep working.</summary>
    public const string LogCategory = "Orders.Actors.Orders.OrderActor";

    private static MessageContext ContextOf(OrderState state) => new(state.CorrelationId, state.TraceParent);

    public override Activity? StartCommand(OrderState state, object command) => command switch
    {
        PlaceOrder place => OrderTracing.StartProcessing(nameof(PlaceOrder), place.OrderId, place.Context, place.Mode),
        CancelOrder cancel => OrderTracing.StartProcessing(nameof(CancelOrder), cancel.OrderId, cancel.Context, null),
        _ => null,
    };

    public override Activity? StartCall(OrderState state, SyncCall call, int attempt, TimeSpan waited) =>
        OrderTracing.StartPaymentAttempt(state.OrderId, state.Mode, ContextOf(state), attempt, waited);

    public override void CallAnswered(Activity? span, object reply, CallAnswer answer)
    {
        span?.SetTag("order.payment.outcome", reply.GetType().Name);
        base.CallAnswered(span, reply, answer);
    }

    public override void CallRetrying(OrderState state, SyncCall call, int attempt, string reason, TimeSpan delay, Activity? attemptSpan)
    {
        using (log.ForOrder(state.OrderId, ContextOf(state), attemptSpan))
            log.PaymentRetrying(state.OrderId, attempt, reason, delay.TotalMilliseconds);
    }

    public override Activity? StartDelivery(OrderState state, StepId step, int attempt) =>
        OrderTracing.StartStepDelivery(state.OrderId, state.Mode, ContextOf(state), step, attempt);

    public override void StepParking(OrderState state, StepId step, int attempts, string error)
    {
        using (log.ForOrder(state.OrderId, ContextOf(state)))
            log.StepParked(state.OrderId, step.ToString(), attempts, error);
    }

    public override void Persisted(IOrderEvent @event, OrderState before, OrderState after)
    {
        metrics.Persisted(@event, before, after);
        if (@event is StepParked parked) OrderTracing.RecordParked(after.OrderId, ContextOf(after), parked.Step, parked.Attempts, parked.LastError);
    }

    public override void Writing(string persistenceId, Activity? within, MessageContext? instance)
    {
        if (OrderTracing.Enabled) JournalTracing.Writing(persistenceId, MessageTracing.ContextOf(within, instance));
    }

    public override void Stopped(string persistenceId) => JournalTracing.Forget(persistenceId);
}
