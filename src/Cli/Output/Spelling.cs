using System.Text.Json;
using Orders.Contracts.V1;

namespace Orders.Cli.Output;

/// <summary>The names people type and read: "payment_pending", not ORDER_STATUS_PAYMENT_PENDING.</summary>
public static class Spelling
{
    public static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Money(Money? money) => money is null ? "-" : $"{money.AmountMinor / 100m:0.00} {money.Currency}";

    public static OrderStatus ParseStatus(string text)
    {
        var wanted = text.Replace("_", "").Replace("-", "");
        foreach (var status in Enum.GetValues<OrderStatus>().Where(s => s != OrderStatus.Unspecified))
            if (string.Equals(status.ToString(), wanted, StringComparison.OrdinalIgnoreCase)) return status;
        throw new Connection.UsageException($"--status '{text}' is not a status: use one of " +
            string.Join(", ", Enum.GetValues<OrderStatus>().Where(s => s != OrderStatus.Unspecified).Select(Snake)));
    }

    /// <summary>"30s", "2m", "1500ms", or a plain number of seconds.</summary>
    public static double Seconds(string text, string option)
    {
        var t = text.Trim().ToLowerInvariant();
        var (number, scale) = t.EndsWith("ms") ? (t[..^2], 0.001) : t.EndsWith('s') ? (t[..^1], 1.0) : t.EndsWith('m') ? (t[..^1], 60.0) : t.EndsWith('h') ? (t[..^1], 3600.0) : (t, 1.0);
        return double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value * scale
            : throw new Connection.UsageException($"{option} must be a duration such as 30s, 2m or 500ms, not '{text}'");
    }
}
