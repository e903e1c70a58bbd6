using System.Collections;
using System.Diagnostics;
using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orders.Actors.Messaging;

namespace Orders.Actors.Telemetry;

/// <summary>
/// Lines about one order's work, through Microsoft.Extensions.Logging as structured messages, each written inside a
/// scope that carries the order's id, correlation id and trace as fields (<c>order_id</c>, <c>correlation_id</c>,
/// <c>trace_id</c>, <c>span_id</c>): the JSON console shows them under "Scopes", any structured sink gets them as
/// attributes, a log search finds every line of one order by any of them.
/// </summary>
public static partial class OrderLog
{
    /// <summary>The host's logger for <paramref name="category"/> (Akka.Hosting's service provider), or none without a host.</summary>
    public static ILogger For(ActorSystem system, string category) =>
        system.Settings.Setup.Get<DependencyResolverSetup>().HasValue
        && DependencyResolver.For(system).Resolver.GetService<ILoggerFactory>() is { } factory
            ? factory.CreateLogger(category)
            : NullLogger.Instance;

    /// <summary>
    /// The scope of a line about an order: its id, correlation id, and the trace and span it belongs to (<paramref name="span"/>
    /// when the line is about that span's work, else the context the order's work hangs under), so a log search and a
    /// trace UI find each other. Actor code never leaves a span current, so the logger's own activity tracking sees none.
    /// </summary>
    public static IDisposable? ForOrder(this ILogger logger, string orderId, MessageContext context, Activity? span = null) =>
        logger.BeginScope(new OrderScope(orderId, context.CorrelationId, span?.TraceId.ToHexString() ?? context.TraceId, span?.SpanId.ToHexString() ?? context.SpanId));

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Payment attempt {Attempt} for order {OrderId} failed ({Reason}); retrying in {DelayMs:0} ms")]
    public static partial void PaymentRetrying(this ILogger logger, string orderId, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Step {Step} of order {OrderId} parked after {Attempts} attempts: {Error}")]
    public static partial void StepParked(this ILogger logger, string orderId, string step, int attempts, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Service}: {Failures} consecutive failures, the last for order {OrderId}: {Error}; backing off")]
    public static partial void ServiceTripped(this ILogger logger, string service, int failures, string orderId, string error);

    /// <summary>Fields for structured sinks; one readable phrase for the plain console.</summary>
    private sealed class OrderScope(string orderId, string correlationId, string traceId, string spanId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("order_id", orderId),
            1 => new("correlation_id", correlationId),
            2 => new("trace_id", traceId),
            3 => new("span_id", spanId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public int Count => 4;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"order {orderId}, correlation {correlationId}";
    }
}
