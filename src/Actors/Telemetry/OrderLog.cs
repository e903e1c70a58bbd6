using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orders.Actors.Messaging;

namespace Orders.Actors.Telemetry;

/// <summary>An order's own lines (payment retries, parked steps), written in the order's scope (<see cref="InstanceLog"/>).</summary>
public static partial class OrderLog
{
    /// <summary>The scope of a line about an order: <c>order_id</c>, correlation id, trace and span.</summary>
    public static IDisposable? ForOrder(this ILogger logger, string orderId, MessageContext context, Activity? span = null) =>
        logger.ForInstance("order", orderId, context, span);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Payment attempt {Attempt} for order {OrderId} failed ({Reason}); retrying in {DelayMs:0} ms")]
    public static partial void PaymentRetrying(this ILogger logger, string orderId, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Step {Step} of order {OrderId} parked after {Attempts} attempts: {Error}")]
    public static partial void StepParked(this ILogger logger, string orderId, string step, int attempts, string error);
}
