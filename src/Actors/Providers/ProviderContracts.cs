using Orders.Actors.Orders;

namespace Orders.Actors.Providers;

/// <summary>The provider could not do it now (outage, error, timeout); worth trying again later.</summary>
public sealed class ProviderUnavailableException(string message) : Exception(message);

/// <summary>The provider will never do it (e.g. a shipment for a cancelled order); retrying cannot help.</summary>
public sealed class ProviderRefusedException(string message) : Exception(message);

public sealed record PaymentAuthorization(bool Approved, string? AuthorizationId, string? DeclineReason);

/// <summary>External payment processor. Every call carries an idempotency key, as Stripe-like APIs accept.</summary>
public interface IPaymentProvider
{
    Task<PaymentAuthorization> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, string paymentToken, CancellationToken ct);
    /// <summary>Refunds the payment made under <paramref name="paymentKey"/>; if none was made, voids the key so none can be.</summary>
    Task<string> RefundAsync(string paymentKey, string? authorizationId, long amountMinor, string currency, CancellationToken ct);
}

public interface IWarehouseProvider
{
    Task<string> CreateShipmentAsync(string orderId, IReadOnlyList<OrderLine> lines, CancellationToken ct);
    /// <summary>Cancels the order's shipment; also stops one that has not been created yet from ever being created.</summary>
    Task CancelShipmentAsync(string orderId, CancellationToken ct);
}

public sealed record EmailMessage(string IdempotencyKey, string To, string Subject, string Body);

public interface IEmailProvider
{
    Task<string> SendAsync(EmailMessage message, CancellationToken ct);
}

public sealed record AnalyticsRecord(string OrderId, string Outcome, long AmountMinor, string Currency, DateTimeOffset At);

public interface IAnalyticsProvider
{
    Task RecordAsync(IReadOnlyList<AnalyticsRecord> records, CancellationToken ct);
}
