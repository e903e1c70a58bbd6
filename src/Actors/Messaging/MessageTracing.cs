using System.Diagnostics;

namespace Orders.Actors.Messaging;

/// <summary>
/// Spans of the work a message causes, named and attributed after the OpenTelemetry messaging conventions. A span is
/// started from the context a message carries (<see cref="MessageContext"/>), never from <see cref="Activity.Current"/>,
/// which does not cross a mailbox; and it is never left as the dispatcher thread's current activity, where the next
/// actor to run on that thread would inherit it. Workflow-agnostic: the order's own spans build on it (OrderTracing).
/// </summary>
public static class MessageTracing
{
    public const string SourceName = "Orders";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Whether anyone collects the spans (tracing on); off, every span site is this one check.</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>
    /// A span "{operation} {destination}" under the message's context, with the messaging attributes and the workflow
    /// instance it is about (<c>{workflow}.id</c>, e.g. <c>order.id</c>); null when nobody listens.
    /// </summary>
    public static Activity? Start(string operation, string destination, ActivityKind kind, MessageContext context, string workflow, string instanceId,
        string? messageId = null, bool linkToParent = false)
    {
        if (!Enabled) return null;
        var parsed = ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out var parent);
        var outer = Activity.Current;
        var activity = Source.StartActivity($"{operation} {destination}", kind, parent, links: linkToParent && parsed ? [new ActivityLink(parent)] : null);
        Activity.Current = outer;
        if (messageId is not null) activity?.SetTag("messaging.message.id", messageId);
        return activity?.SetTag("messaging.system", "akka")
            .SetTag("messaging.operation.name", operation)
            .SetTag("messaging.operation.type", operation)
            .SetTag("messaging.destination.name", destination)
            .SetTag("messaging.message.conversation_id", context.CorrelationId)
            .SetTag($"{workflow}.id", instanceId);
    }

    /// <summary>The span work hangs under right now: <paramref name="within"/>, else the instance's own context (none without either).</summary>
    public static ActivityContext ContextOf(Activity? within, MessageContext? instance)
    {
        if (within is not null) return within.Context;
        return instance is not null && ActivityContext.TryParse(instance.TraceParent, instance.TraceState, isRemote: true, out var parsed)
            ? parsed
            : default;
    }

    /// <summary>The context to send on with a request made under <paramref name="span"/> (the instance's own without one).</summary>
    public static MessageContext Under(Activity? span, MessageContext instance) =>
        span is null ? instance : instance with { TraceParent = span.Id!, TraceState = span.TraceStateString };

    /// <summary>Ends a span without touching the calling thread's current activity.</summary>
    public static void End(Activity? activity, string? error = null)
    {
        if (activity is null) return;
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error);
        var outer = Activity.Current;
        activity.Stop();
        Activity.Current = outer;
    }
}
