using System.Text.Json;
using System.Text.Json.Serialization;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Gateway.Rest;

public sealed record ItemBody(string? Sku, int? Quantity, long? UnitPriceMinor);

public sealed record ItemResource(string Sku, int Quantity, long UnitPriceMinor);

public sealed record PlaceOrderBody(string? OrderId, string? CustomerEmail, List<ItemBody>? Items, string? Currency, string? PaymentToken, string? CallbackUrl, string? Mode);

public sealed record CancelOrderBody(string? Reason);

public sealed record MoneyResource(long AmountMinor, string Currency);

public sealed record StepResource(string Name, string Status, string? Detail, int Attempts, DateTimeOffset? At, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

public sealed record OrderResource(
    string OrderId, OrderStatus Status, ResponseMode Mode, string CustomerEmail, IReadOnlyList<ItemResource> Items, MoneyResource Total,
    string? AuthorizationId, string? Reason, IReadOnlyList<StepResource> Steps, long Version, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt,
    string CorrelationId, string? CallbackUrl, int PaymentAttempts, string TraceId)
{
    /// <summary>Only in the answer to placing the order: the capability to read, watch and cancel it.</summary>
    public string? OrderToken { get; init; }

    public static OrderResource From(OrderView v) => new(
        v.OrderId, v.Status, v.Mode, v.Details.CustomerEmail, v.Details.Lines.Select(l => new ItemResource(l.Sku, l.Quantity, l.UnitPriceMinor)).ToList(),
        new MoneyResource(v.Details.TotalMinor, v.Details.Currency), v.AuthorizationId, v.Reason,
        v.Steps.Select(s => new StepResource(StepId.Parse(s.Step).PublicName, Spelling.Snake(s.Status), s.Detail, s.Attempts, s.At, s.SentAt, s.NextAttemptAt)).ToList(),
        v.Version, v.PlacedAt, v.UpdatedAt, v.CorrelationId, v.Details.CallbackUrl, v.PaymentAttempts, v.TraceId);
}

public sealed record OrderSummaryResource(string OrderId, OrderStatus Status, ResponseMode Mode, MoneyResource Total, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt)
{
    public static OrderSummaryResource From(OrderSummary s) => new(s.OrderId, s.Status, s.Mode, new MoneyResource(s.TotalMinor, s.Currency), s.PlacedAt, s.UpdatedAt);
}

public sealed record OrderListResource(IReadOnlyList<OrderSummaryResource> Orders, string? NextPageToken);

public static class RestJson
{
    /// <summary>snake_case fields and enum values ("payment_pending"), as the proto's JSON names read.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable quotes; bodies are never HTML
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };
}
