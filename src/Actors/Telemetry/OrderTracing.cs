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
        var activity = Start("process", "order", ActivityKind.Consumer, context, orderId);
        if (activity is null) return null;
        activity.SetTag("order.command", command);
        if (mode is { } m) activity.SetTag("order.mode", Spelling.Snake(m));
        return activity;
    }

    /// <summary>
    /// One attempt of the synchronous payment ask: a CLIENT span under the order's context, with the attempt number and
    /// the backoff waited before it. Its context goes out with the request, so the provider's work is beneath it.
    /// </summary>
    public static Activity? StartPaymentAttempt(string orderId, MessageContext order, int attempt, TimeSpan waited)
    {
        var activity = Start("send", "payment", ActivityKind.Client, order, orderId);
        if (activity is null) return null;
        activity.SetTag("order.payment.attempt", attempt);
        activity.SetTag("order.payment.backoff_ms", (long)waited.TotalMilliseconds);
        return activity;
    }

    /// <summary>
    /// One delivery of a fire-and-forget step: a PRODUCER span under the order's context, ended as soon as the step is
    /// sent (sending does not wait). Each redelivery is its own, with its attempt number.
    /// </summary>
    public static Activity? StartStepDelivery(string orderId, MessageContext order, StepId step, int attempt)
    {
        var activity = Start("send", new StepId(step.Kind).ToString(), ActivityKind.Producer, order, orderId);
        return activity?.SetTag("order.step", step.ToString()).SetTag("order.step.attempt", attempt);
    }

    /// <summary>
    /// A service performing a request (a step, or a payment attempt): a CONSUMER span under the context the request
    /// carries, so each delivery the worker performs shows under the delivery that sent it.
    /// </summary>
    public static Activity? StartPerforming(string service, string orderId, MessageContext request) =>
        Start("process", service, ActivityKind.Consumer, request, orderId);

    /// <summary>The context to send on with a request made under <paramref name="span"/> (the order's own without one).</summary>
    public static MessageContext Under(Activity? span, MessageContext order) =>
        span is null ? order : order with { TraceParent = span.Id!, TraceState = span.TraceStateString };

    /// <summary>A span "{operation} {destination}" under the message's context, with the messaging attributes; null when nobody listens.</summary>
    private static Activity? Start(string operation, string destination, ActivityKind kind, MessageContext context, string orderId)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out var parent);
        var outer = Activity.Current;
        var activity = Source.StartActivity($"{operation} {destination}", kind, parent);
        Activity.Current = outer;
        return activity?.SetTag("messaging.system", "akka")
            .SetTag("messaging.operation.name", operation)
            .SetTag("messaging.operation.type", operation)
            .SetTag("messaging.destination.name", destination)
            .SetTag("messaging.message.conversation_id", context.CorrelationId)
            .SetTag("order.id", orderId);
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
