using Orders.Actors.Orders;

namespace Orders.Gateway.Application;

/// <summary>A PlaceOrder request as either face received it, before validation.</summary>
public sealed record PlaceOrderInput(
    string? OrderId,
    string? CustomerEmail,
    IReadOnlyList<OrderLine>? Items,
    string? Currency,
    string? PaymentToken,
    string? CallbackUrl,
    ResponseMode Mode);
