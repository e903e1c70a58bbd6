using System.Diagnostics;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;

namespace Orders.Actors.Telemetry;

/// <summary>
/// The order system's spans, named and attributed after the OpenTelemetry messaging conventions. A span is started
/// from the context a message carries (<see cref="MessageContext"/>), never from <see cref="Activity.Current"/>, which
/// does not cross a mailbox; and it is never left as the dispatcher thread's current activity, where the next actor
/// to run on that thread would inherit it.
/// </summary>
public static class OrderTracing
{
    public const string SourceName = "Orders";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The order actor processing a client's command: a CONSUMER span under the call that sent it. Null when nobody
    /// listens (tracing off), so the hot path pays a branch.
    /// </summary>
    public static Activity? StartProcessing(string command, string orderId, MessageContext context, ResponseMode? mode)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out var parent);
        var outer = Activity.Current;
        var activity = Source.StartActivity("process order", ActivityKind.Consumer, parent);
        Activity.Current = outer;
        if (activity is null) return null;
        activity.SetTag("messaging.system", "akka");
        activity.SetTag("messaging.operation.name", "process");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", "order");
        activity.SetTag("messaging.message.conversation_id", context.CorrelationId);
        activity.SetTag("order.id", orderId);
        activity.SetTag("order.command", command);
        if (mode is { } m) activity.SetTag("order.mode", Spelling.Snake(m));
        return activity;
    }

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
