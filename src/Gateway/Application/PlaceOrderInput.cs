using Orders.Actors.Orders;

namespace Orders.Gateway.Application;

/// <summary>A PlaceOrder request as either face received it, before validation.</summary>
public sealed record PlaceOrderInput(
    string? OrderId,
    string? CustomerEmail,
    IReadOnlyList<ItemInput?>? Items,
    string? Currency,
    string? PaymentToken,
    string? CallbackUrl,
    ResponseMode Mode,
    ApiFace Face);

/// <summary>One line as received: a null field was not sent at all, which is not the same as zero.</summary>
public sealed record ItemInput(string? Sku, int? Quantity, long? UnitPriceMinor);
