using Orders.Actors.Providers;
using Orders.Actors.Services;

namespace Orders.Actors.Orders.Handlers;

/// <summary>Announces an order's status change to its callback URL, through the workflow-agnostic <see cref="WebhookPoster"/>.</summary>
public sealed class WebhookHandler(WebhookPoster poster) : StepHandler
{
    public override string Service => "webhook";

    /// <summary>The body a receiver gets: the REST face's names and shapes ("payment_pending", a nested total).</summary>
    public sealed record Delivery(string DeliveryId, string OrderId, string Status, DateTimeOffset? OccurredAt, string? Reason, Money Total, string CorrelationId);

    public sealed record Money(long AmountMinor, string Currency);

    protected override Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        if (step.Step.Kind != StepKind.NotifyWebhook) throw new ArgumentException($"webhook cannot perform {step.Step}");
        var status = Enum.Parse<OrderStatus>(step.Step.Subject!);
        // Stable across retries, so receivers dedupe on it; spelled as the receiver sees the status.
        var deliveryId = $"{step.OrderId}/{step.Step.PublicName}";
        var delivery = new Delivery(deliveryId, step.OrderId, Spelling.Snake(status), step.OccurredAt,
            status == OrderStatus.Completed ? null : step.Reason, new Money(step.Order.TotalMinor, step.Order.Currency), step.Context.CorrelationId);
        return poster.PostAsync(step.CallbackUrl, deliveryId, delivery, step.Context.TraceParent, ct)!;
    }
}
