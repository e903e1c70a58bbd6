using System.Diagnostics;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;

namespace Orders.Actors.Telemetry;

/// <summary>The order's spans, on <see cref="MessageTracing"/>: its commands, payment attempts, step deliveries and parked steps.</summary>
public static class OrderTracing
{
    public const string SourceName = MessageTracing.SourceName;
    public static ActivitySource Source => MessageTracing.Source;

    /// <summary>Whether anyone collects the spans (tracing on); off, every span site is this one check.</summary>
    public static bool Enabled => MessageTracing.Enabled;

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
    /// A step given up on and parked for an operator: an error span naming the reason, under the order's context, so
    /// the trace ends in what an operator has to act on rather than in silence.
    /// </summary>
    public static void RecordParked(string orderId, MessageContext order, StepId step, int attempts, string reason)
    {
        if (!Enabled) return;
        var activity = Start("park", new StepId(step.Kind).ToString(), ActivityKind.Internal, order, orderId, messageId: $"{orderId}/{step}");
        MessageTracing.End(activity?.SetTag("order.step", step.PublicName).SetTag("order.step.attempts", attempts), reason);
    }

    private static Activity? Start(string operation, string destination, ActivityKind kind, MessageContext context, string orderId, string? messageId = null) =>
        MessageTracing.Start(operation, destination, kind, context, "order", orderId, messageId);
}
