using System.Text.RegularExpressions;

namespace Orders.Actors.Orders;

public sealed record FieldViolation(string Field, string Message);

/// <summary>Invariants every order must satisfy before anything is persisted.</summary>
public static partial class OrderValidation
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 1000;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    public static IReadOnlyList<FieldViolation> Validate(OrderDetails details)
    {
        var problems = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(details.CustomerEmail) || details.CustomerEmail.Length > 254 || !EmailPattern().IsMatch(details.CustomerEmail))
            problems.Add(new("customer_email", "must be an email address such as ada@example.com"));
        if (!CurrencyPattern().IsMatch(details.Currency ?? ""))
            problems.Add(new("currency", "must be a three-letter ISO 4217 code such as EUR"));
        if (string.IsNullOrWhiteSpace(details.PaymentToken) || details.PaymentToken.Length > 128)
            problems.Add(new("payment_token", "is required (at most 128 characters)"));
        if (details.Lines is null || details.Lines.Count is 0 or > MaxLines)
        {
            problems.Add(new("items", $"must hold between 1 and {MaxLines} items"));
            return problems;
        }
        for (var i = 0; i < details.Lines.Count; i++)
        {
            var line = details.Lines[i];
            if (!IdPattern().IsMatch(line.Sku ?? ""))
                problems.Add(new($"items[{i}].sku", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
            if (line.Quantity is < 1 or > MaxQuantity)
                problems.Add(new($"items[{i}].quantity", $"must be between 1 and {MaxQuantity}"));
            if (line.UnitPriceMinor < 0)
                problems.Add(new($"items[{i}].unit_price_minor", "must not be negative"));
        }
        return problems;
    }
}
