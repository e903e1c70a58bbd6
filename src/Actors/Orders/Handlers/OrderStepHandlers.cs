using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;

namespace Orders.Actors.Orders.Handlers;

/// <summary>Shared shape of the fire-and-forget step handlers: a provider call turned into a <see cref="StepOutcome"/>.</summary>
public abstract class StepHandler : IServiceHandler
{
    public abstract string Service { get; }

    public async Task<object> ExecuteAsync(IServiceRequest request, CancellationToken ct)
    {
        var step = (PerformStep)request;
        try
        {
            var detail = await PerformAsync(step, ct).ConfigureAwait(false);
            return new StepOutcome(step.OrderId, step.Step, StepOutcomeKind.Succeeded, detail, null, step.Context);
        }
        catch (ProviderRefusedException refused)
        {
            return new StepOutcome(step.OrderId, step.Step, StepOutcomeKind.Failed, refused.Message, null, step.Context);
        }
    }

    protected abstract Task<string?> PerformAsync(PerformStep step, CancellationToken ct);

    public string? RefusalOf(object reply) => reply is StepOutcome { Kind: StepOutcomeKind.Failed } refused ? refused.Detail ?? "refused" : null;

    public object TransientFailure(IServiceRequest request, string reason)
    {
        var step = (PerformStep)request;
        return new StepOutcome(step.OrderId, step.Step, StepOutcomeKind.Transient, reason, null, step.Context);
    }
}

public sealed class PaymentHandler(IPaymentProvider provider) : StepHandler, IServiceHandler
{
    public override string Service => "payment";

    async Task<object> IServiceHandler.ExecuteAsync(IServiceRequest request, CancellationToken ct)
    {
        if (request is not AuthorizePayment authorize) return await ExecuteAsync(request, ct).ConfigureAwait(false);
        var result = await provider.AuthorizeAsync(authorize.IdempotencyKey, authorize.AmountMinor, authorize.Currency, authorize.PaymentToken, ct).ConfigureAwait(false);
        return result.Approved
            ? new PaymentApproved(authorize.OrderId, result.AuthorizationId!)
            : new PaymentRefused(authorize.OrderId, result.DeclineReason ?? "declined");
    }

    object IServiceHandler.TransientFailure(IServiceRequest request, string reason) =>
        request is AuthorizePayment a ? new PaymentError(a.OrderId, reason) : TransientFailure(request, reason);

    protected override async Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        if (step.Step.Kind != StepKind.RefundPayment) throw new ArgumentException($"payment cannot perform {step.Step}");
        // Refunds and voids name the payment by its own key, the order id.
        return await provider.RefundAsync(step.OrderId, step.AuthorizationId, step.Order.TotalMinor, step.Order.Currency, ct).ConfigureAwait(false);
    }
}

public sealed class WarehouseHandler(IWarehouseProvider provider) : StepHandler
{
    public override string Service => "warehouse";

    protected override async Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        switch (step.Step.Kind)
        {
            case StepKind.CreateShipment:
                return await provider.CreateShipmentAsync(step.OrderId, step.Order.Lines, ct).ConfigureAwait(false);
            case StepKind.CancelShipment:
                await provider.CancelShipmentAsync(step.OrderId, ct).ConfigureAwait(false);
                return "shipment cancelled";
            default:
                throw new ArgumentException($"warehouse cannot perform {step.Step}");
        }
    }
}

public sealed class EmailHandler(IEmailProvider provider) : StepHandler
{
    public override string Service => "email";

    protected override async Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        var total = $"{step.Order.TotalMinor / 100m:0.00} {step.Order.Currency}";
        var message = step.Step.Kind switch
        {
            StepKind.SendConfirmation => new EmailMessage(step.IdempotencyKey, step.Order.CustomerEmail,
                $"Order {step.OrderId} confirmed", $"Thank you. We received {total} and are preparing your order."),
            StepKind.SendCancellation => new EmailMessage(step.IdempotencyKey, step.Order.CustomerEmail,
                $"Order {step.OrderId} cancelled", $"Your order was cancelled; any payment of {total} is refunded."),
            _ => throw new ArgumentException($"email cannot perform {step.Step}"),
        };
        return await provider.SendAsync(message, ct).ConfigureAwait(false);
    }
}

public sealed class AnalyticsHandler(IAnalyticsProvider provider) : StepHandler
{
    public override string Service => "analytics";

    protected override async Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        if (step.Step.Kind != StepKind.RecordAnalytics) throw new ArgumentException($"analytics cannot perform {step.Step}");
        await provider.RecordAsync([new AnalyticsRecord(step.OrderId, "completed", step.Order.TotalMinor, step.Order.Currency, DateTimeOffset.UtcNow)], ct).ConfigureAwait(false);
        return "recorded";
    }
}
