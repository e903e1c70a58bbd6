using Akka.Actor;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Orders;

/// <summary>One order: the workflow kernel running the <see cref="OrderWorkflow"/> definition.</summary>
public static class OrderActor
{
    /// <param name="observer">The order's metrics, spans and logs (Hosting hooks in the telemetry's); none by default.</param>
    public static Props Props(string orderId, OrderServices services, OrderSettings settings, bool sharded = true,
        WorkflowObserver<OrderState, IOrderEvent, StepId>? observer = null) =>
        WorkflowActor<OrderState, IOrderEvent, StepId>.Props(orderId, new OrderWorkflow(services), settings.Kernel, sharded, observer);
}
