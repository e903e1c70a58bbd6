using System.Diagnostics;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Services;

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

    /// <summary>Whether anyone collects the spans (tracing on); off, every span site is this one check.</summary>
    public static bool Enabled => Source.HasListeners();

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
    public static Activity? StartPaymentAttempt(string orderId, ResponseMode mode, MessageContext order, int attempt, TimeSpan waited)
    {
        var activity = Start("send", "payment", ActivityKind.Client, order, orderId, messageId: orderId);
        if (activity is null) return null;
        activity.SetTag("order.mode", Spelling.Snake(mode));
        activity.SetTag("order.payment.attempt", attempt);
        activity.SetTag("order.payment.backoff_ms", (long)waited.TotalMilliseconds);
        return activity;
    }

    /// <summary>
    /// One delivery of a fire-and-forget step: a PRODUCER span under the order's context, ended as soon as the step is
    /// sent (sending does not wait). Each redelivery is its own, with its attempt number; the message id is the step's
    /// dedupe key, the same for every delivery of it.
    /// </summary>
    public static Activity? StartStepDelivery(string orderId, ResponseMode mode, MessageContext order, StepId step, int attempt)
    {
        if (!Enabled) return null; // before the names are built: off, a delivery allocates nothing here
        var activity = Start("send", new StepId(step.Kind).ToString(), ActivityKind.Producer, order, orderId, messageId: $"{orderId}/{step}");
        return activity?.SetTag("order.mode", Spelling.Snake(mode)).SetTag("order.step", step.PublicName).SetTag("order.step.attempt", attempt);
    }

    /// <summary>
    /// A service performing a request (a step, or a payment attempt): a CONSUMER span under the context the request
    /// carries (the delivery that sent it, so each delivery's work shows beneath it), and linked to it as the
    /// messaging conventions ask of a message's processing: the context that created the message, not the call that
    /// placed the order long before.
    /// </summary>
    public static Activity? StartPerforming(string service, IServiceRequest request)
    {
        if (!Enabled) return null;
        var activity = Start("process", service, ActivityKind.Consumer, request.Context, request.OrderId, messageId: request.IdempotencyKey, linkToParent: true);
        return request is PerformStep step ? activity?.SetTag("order.step", step.Step.PublicName).SetTag("order.step.attempt", step.Attempt) : activity;
    }

    /// <summary>
    /// A step given up on and parked for an operator: an error span naming the reason, under the order's context, so
    /// the trace ends in what an operator has to act on rather than in silence.
    /// </summary>
    public static void RecordParked(string orderId, MessageContext order, StepId step, int attempts, string reason)
    {
        if (!Enabled) return;
        var activity = Start("park", new StepId(step.Kind).ToString(), ActivityKind.Internal, order, orderId, messageId: $"{orderId}/{step}");
        End(activity?.SetTag("order.step", step.PublicName).SetTag("order.step.attempts", attempts), reason);
    }

    /// <summary>
    /// The span an order's work hangs under right now: the command being processed, else the order's own context
    /// (none for an order with neither).
    /// </summary>
    public static ActivityContext ContextOf(Activity? within, MessageContext? order)
    {
        if (within is not null) return within.Context;
        return order is not null && ActivityContext.TryParse(order.TraceParent, order.TraceState, isRemote: true, out var parsed)
            ? parsed
            : default;
    }

    /// <summary>The context to send on with a request made under <paramref name="span"/> (the order's own without one).</summary>
    public static MessageContext Under(Activity? span, MessageContext order) =>
        span is null ? order : order with { TraceParent = span.Id!, TraceState = span.TraceStateString };

    /// <summary>A span "{operation} {destination}" under the message's context, with the messaging attributes; null when nobody listens.</summary>
    private static Activity? Start(string operation, string destination, ActivityKind kind, MessageContext context, string orderId,
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
