using System.Text.RegularExpressions;

namespace Orders.Actors.Orders;

public sealed record FieldViolation(string Field, string Message);

/// <summary>Invariants every order must satisfy before anything is persisted.</summary>
public static partial class OrderValidation
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 1000;

    /// <summary>
    /// The largest amount one line or one order may come to (10^12 minor units, ten billion euros). With at most
    /// <see cref="MaxLines"/> lines of <see cref="MaxQuantity"/> units, every computation on a valid order fits in 64 bits,
    /// and so does a sum over millions of orders (analytics revenue).
    /// </summary>
    public const long MaxTotalMinor = 1_000_000_000_000;

    // \z, not $: in .NET '$' also matches before a final newline, which let "EUR\n" and "id\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    public static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@[^@\s\p{C}]+\.[^@\s\p{C}]+\z")]
    private static partial Regex EmailPattern();

    public const string IdRule = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValidId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) => !string.IsNullOrEmpty(id) && IdPattern().IsMatch(id);

    /// <summary>Free text that may be stored and echoed: no control characters (newlines, NUL, escapes).</summary>
    public static bool HasControlCharacters(string text) => text.Any(char.IsControl);

    public static IReadOnlyList<FieldViolation> Validate(OrderDetails details)
    {
        var problems = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(details.CustomerEmail) || details.CustomerEmail.Length > 254 || !EmailPattern().IsMatch(details.CustomerEmail))
            problems.Add(new("customer_email", "must be an email address such as ada@example.com"));
        if (!CurrencyPattern().IsMatch(details.Currency ?? ""))
            problems.Add(new("currency", "must be a three-letter ISO 4217 code such as EUR"));
        if (string.IsNullOrWhiteSpace(details.PaymentToken) || details.PaymentToken.Length > 128 || HasControlCharacters(details.PaymentToken))
            problems.Add(new("payment_token", "is required (at most 128 characters, no control characters)"));
        if (details.Lines is null || details.Lines.Count is 0 or > MaxLines)
        {
            problems.Add(new("items", $"must hold between 1 and {MaxLines} items"));
            return problems;
        }
        long total = 0;
        var totalKnown = true;
        for (var i = 0; i < details.Lines.Count; i++)
        {
            var line = details.Lines[i];
            if (!IsValidId(line.Sku))
                problems.Add(new($"items[{i}].sku", IdRule));
            var quantityValid = line.Quantity is >= 1 and <= MaxQuantity;
            if (!quantityValid)
                problems.Add(new($"items[{i}].quantity", $"must be between 1 and {MaxQuantity}"));
            if (line.UnitPriceMinor < 0)
                problems.Add(new($"items[{i}].unit_price_minor", "must not be negative"));
            else if (line.UnitPriceMinor > MaxTotalMinor || (quantityValid && line.Quantity * line.UnitPriceMinor > MaxTotalMinor))
                problems.Add(new($"items[{i}].unit_price_minor", $"quantity × unit price must not exceed {MaxTotalMinor} minor units"));
            else if (quantityValid)
                total += line.Quantity * line.UnitPriceMinor; // each term ≤ 10^12 and at most 100 of them: no overflow
            else
                totalKnown = false;
        }
        if (totalKnown && problems.Count == 0 && total > MaxTotalMinor)
            problems.Add(new("items", $"the order total ({total} minor units) must not exceed {MaxTotalMinor}"));
        return problems;
    }
}
