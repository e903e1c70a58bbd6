using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Providers;

namespace Orders.Gateway.Application;

/// <summary>Every rule a request must pass before anything is persisted; reports every bad field at once.</summary>
public static class RequestValidation
{
    public const int MaxCallbackUrlLength = 2048;
    public const int MaxReasonLength = 500;
    public const int MaxPageSize = 500;

    public static IReadOnlyList<FieldViolation> ValidateOrderId(string? orderId, string field = "order_id") =>
        OrderValidation.IsValidId(orderId) ? [] : [new FieldViolation(field, OrderValidation.IdRule)];

    public static (OrderDetails? Details, IReadOnlyList<FieldViolation> Violations) Validate(PlaceOrderInput input, WebhookSettings webhooks)
    {
        var violations = new List<FieldViolation>();
        if (!string.IsNullOrEmpty(input.OrderId)) violations.AddRange(ValidateOrderId(input.OrderId));
        if (!Enum.IsDefined(input.Mode))
            violations.Add(new("mode", $"must be one of {string.Join(", ", Enum.GetValues<ResponseMode>().Select(m => input.Face.Spell(m)))}"));

        var callback = string.IsNullOrEmpty(input.CallbackUrl) ? null : input.CallbackUrl;
        if (callback is not null)
        {
            if (callback.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                violations.Add(new("callback_url", "must not contain spaces or control characters"));
            else if (callback.Length > MaxCallbackUrlLength)
                violations.Add(new("callback_url", $"must be at most {MaxCallbackUrlLength} characters"));
            else if (!Uri.TryCreate(callback, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                violations.Add(new("callback_url", "must be an absolute http or https URL"));
            else if (!string.IsNullOrEmpty(url.UserInfo))
                violations.Add(new("callback_url", "must not carry credentials"));
            else if (!webhooks.IsAllowedHost(url))
                violations.Add(new("callback_url", $"host '{url.Host}' is not on the callback allowlist ({string.Join(", ", webhooks.AllowedHosts)})"));
            else if (webhooks.Forbidden.Forbids(url))
                violations.Add(new("callback_url", $"'{url.Authority}' is this node's own endpoint or its providers'; a callback must go to the client's receiver"));
        }

        var items = input.Items ?? [];
        var missing = new List<FieldViolation>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                missing.Add(new($"items[{i}]", "must be an item with sku, quantity and unit_price_minor"));
                continue;
            }
            if (item.Sku is null) missing.Add(new($"items[{i}].sku", "is required"));
            if (item.Quantity is null) missing.Add(new($"items[{i}].quantity", "is required"));
            // A missing price must not silently become a free item.
            if (item.UnitPriceMinor is null) missing.Add(new($"items[{i}].unit_price_minor", "is required (0 for a free item)"));
        }
        var lines = items.Select(i => new OrderLine(i?.Sku ?? "", i?.Quantity ?? 0, i?.UnitPriceMinor ?? 0)).ToList();
        var details = new OrderDetails(input.CustomerEmail ?? "", lines, input.Currency ?? "", input.PaymentToken ?? "", callback);
        // A field that was not sent is reported as missing, not also as out of range.
        violations.AddRange(OrderValidation.Validate(details).Where(v => !missing.Any(m => v.Field == m.Field || v.Field.StartsWith(m.Field + ".", StringComparison.Ordinal))));
        violations.AddRange(missing);
        return violations.Count == 0 ? (details, []) : (null, violations);
    }

    public static IReadOnlyList<FieldViolation> ValidateReason(string? reason) =>
        reason is null ? []
        : reason.Length > MaxReasonLength ? [new FieldViolation("reason", $"must be at most {MaxReasonLength} characters")]
        : OrderValidation.HasControlCharacters(reason) ? [new FieldViolation("reason", "must not contain control characters")]
        : [];

    public static IReadOnlyList<FieldViolation> ValidatePageSize(int pageSize) =>
        pageSize is < 0 or > MaxPageSize ? [new FieldViolation("page_size", $"must be between 1 and {MaxPageSize} (0 means 50)")] : [];
}
