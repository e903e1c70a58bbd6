using Akka.Actor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orders.Actors.Telemetry;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Orders;

/// <summary>One order: the workflow kernel running the <see cref="OrderWorkflow"/> definition, observed by <see cref="OrderObserver"/>.</summary>
public static class OrderActor
{
    /// <summary>The log category of everything an order logs.</summary>
    public const string LogCategory = "Orders.Actors.Orders.OrderActor";

    public static Props Props(string orderId, OrderServices services, OrderSettings settings, bool sharded = true, OrderMetrics? metrics = null, ILogger? log = null) =>
        WorkflowActor<OrderState, IOrderEvent, StepId>.Props(orderId, new OrderWorkflow(services), settings.Kernel, sharded,
            new OrderObserver(metrics ?? OrderMetrics.Unobserved, log ?? NullLogger.Instance));
}
