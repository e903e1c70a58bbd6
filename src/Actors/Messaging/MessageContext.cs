using System.Diagnostics;

namespace Orders.Actors.Messaging;

/// <summary>
/// Correlation id plus W3C trace context. It travels inside every message because
/// <see cref="Activity.Current"/> does not cross actor mailboxes.
/// </summary>
public sealed record MessageContext(string CorrelationId, string TraceParent, string? TraceState = null)
{
    public static MessageContext New(string? correlationId = null)
    {
        var current = Activity.Current;
        if (current is not null && current.IdFormat == ActivityIdFormat.W3C)
            return new MessageContext(correlationId ?? current.TraceId.ToHexString(), current.Id!, current.TraceStateString);

        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        return new MessageContext(correlationId ?? traceId.ToHexString(), $"00-{traceId.ToHexString()}-{spanId.ToHexString()}-01");
    }

    public string TraceId => TraceParent.Length >= 35 ? TraceParent.Substring(3, 32) : TraceParent;

    /// <summary>The span this context names (the parent of whatever is started from it); empty when there is none.</summary>
    public string SpanId => TraceParent.Length >= 52 ? TraceParent.Substring(36, 16) : "";
}

/// <summary>Every message and event that is persisted or may cross nodes; bound to the project's serializer.</summary>
public interface IOrderSystemMessage;

/// <summary>A message that carries its tracing envelope.</summary>
public interface ITraced
{
    MessageContext Context { get; }
}

public interface IWithOrderId
{
    string OrderId { get; }
}
