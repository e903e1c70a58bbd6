using Orders.Actors.Orders;
using Orders.Actors.Services;

namespace Orders.Gateway.Application;

/// <summary>Every rule a request must pass before anything is persisted; reports every bad field at once.</summary>
public static class RequestValidation
{
    public const int MaxCallbackUrlLength = 2048;
    public const int MaxReasonLength = 500;
    public const int MaxPageSize = 500;

    public static IReadOnlyList<FieldViolation> ValidateOrderId(string? orderId, string field = "order_id") =>
        string.IsNullOrEmpty(orderId) || !OrderValidation.IdPattern().IsMatch(orderId)
            ? [new FieldViolation(field, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")]
            : [];

    public static (OrderDetails? Details, IReadOnlyList<FieldViolation> Violations) Validate(PlaceOrderInput input, WebhookSettings webhooks)
    {
        var violations = new List<FieldViolation>();
        if (!string.IsNullOrEmpty(input.OrderId)) violations.AddRange(ValidateOrderId(input.OrderId));
        if (!Enum.IsDefined(input.Mode)) violations.Add(new("mode", "must be HYBRID, SYNC or ACCEPTED"));

        var callback = string.IsNullOrEmpty(input.CallbackUrl) ? null : input.CallbackUrl;
        if (callback is not null)
        {
            if (callback.Length > MaxCallbackUrlLength)
                violations.Add(new("callback_url", $"must be at most {MaxCallbackUrlLength} characters"));
            else if (!Uri.TryCreate(callback, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                violations.Add(new("callback_url", "must be an absolute http or https URL"));
            else if (!string.IsNullOrEmpty(url.UserInfo))
                violations.Add(new("callback_url", "must not carry credentials"));
            else if (!webhooks.IsAllowed(url))
                violations.Add(new("callback_url", $"host '{url.Host}' is not on the callback allowlist ({string.Join(", ", webhooks.AllowedHosts)})"));
        }

        var details = new OrderDetails(input.CustomerEmail ?? "", input.Items ?? [], input.Currency ?? "", input.PaymentToken ?? "", callback);
        violations.AddRange(OrderValidation.Validate(details));
        return violations.Count == 0 ? (details, []) : (null, violations);
    }

    public static IReadOnlyList<FieldViolation> ValidateReason(string? reason) =>
        reason?.Length > MaxReasonLength ? [new FieldViolation("reason", $"must be at most {MaxReasonLength} characters")] : [];

    public static IReadOnlyList<FieldViolation> ValidatePageSize(int pageSize) =>
        pageSize is < 0 or > MaxPageSize ? [new FieldViolation("page_size", $"must be between 1 and {MaxPageSize} (0 means 50)")] : [];
}
