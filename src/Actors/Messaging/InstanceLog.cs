using System.Collections;
using System.Diagnostics;
using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orders.Actors.Messaging;

/// <summary>
/// Lines about one workflow instance's work, through Microsoft.Extensions.Logging as structured messages, each written
/// inside a scope that carries the instance's id, correlation id and trace as fields (<c>order_id</c> for an order,
/// <c>correlation_id</c>, <c>trace_id</c>, <c>span_id</c>): the JSON console shows them under "Scopes", any structured
/// sink gets them as attributes, a log search finds every line of one instance by any of them.
/// </summary>
public static partial class InstanceLog
{
    /// <summary>The host's logger for <paramref name="category"/> (Akka.Hosting's service provider), or none without a host.</summary>
    public static ILogger For(ActorSystem system, string category) =>
        system.Settings.Setup.Get<DependencyResolverSetup>().HasValue
        && DependencyResolver.For(system).Resolver.GetService<ILoggerFactory>() is { } factory
            ? factory.CreateLogger(category)
            : NullLogger.Instance;

    /// <summary>
    /// The scope of a line about an instance of <paramref name="workflow"/>: its id, correlation id, and the trace and span
    /// it belongs to (<paramref name="span"/> when the line is about that span's work, else the context the instance's work
    /// hangs under), so a log search and a trace UI find each other. Actor code never leaves a span current, so the
    /// logger's own activity tracking sees none.
    /// </summary>
    public static IDisposable? ForInstance(this ILogger logger, string workflow, string instanceId, MessageContext context, Activity? span = null) =>
        logger.BeginScope(new InstanceScope(workflow, instanceId, context.CorrelationId,
            span?.TraceId.ToHexString() ?? context.TraceId, span?.SpanId.ToHexString() ?? context.SpanId));

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Service}: {Failures} consecutive failures, the last for {Workflow} {InstanceId}: {Error}; backing off")]
    public static partial void ServiceTripped(this ILogger logger, string service, int failures, string workflow, string instanceId, string error);

    /// <summary>Fields for structured sinks; one readable phrase for the plain console.</summary>
    private sealed class InstanceScope(string workflow, string instanceId, string correlationId, string traceId, string spanId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new($"{workflow}_id", instanceId),
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

        public override string ToString() => $"{workflow} {instanceId}, correlation {correlationId}";
    }
}
