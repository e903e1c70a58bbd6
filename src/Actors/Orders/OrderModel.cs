namespace Orders.Actors.Orders;

public enum ResponseMode
{
    /// <summary>Reply after the payment decision; fulfilment runs asynchronously.</summary>
    Hybrid = 0,
    /// <summary>The seed's "before": every step in sequence, reply when the order is terminal.</summary>
    Sync = 1,
    /// <summary>Reply once the order is durably recorded; payment runs asynchronously too.</summary>
    Accepted = 2,
}

public enum OrderStatus
{
    PaymentPending,
    Confirmed,
    Fulfilling,
    Completed,
    PaymentDeclined,
    Rejected,
    Compensating,
    Cancelled,
}

public static class OrderStatusExtensions
{
    public static bool IsTerminal(this OrderStatus status) =>
        status is OrderStatus.Completed or OrderStatus.PaymentDeclined or OrderStatus.Rejected or OrderStatus.Cancelled;
}

/// <summary>
/// How names reach people and programs outside: lower snake case ("payment_pending", "succeeded"), as the REST face
/// and the webhooks spell them. The gRPC face spells its enums the protobuf way instead.
/// </summary>
public static class Spelling
{
    public static string Snake<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

public sealed record OrderLine(string Sku, int Quantity, long UnitPriceMinor)
{
    /// <summary>Checked: validation keeps every accepted line far below the limit, so an overflow here is a bug, never a wrong amount.</summary>
    public long TotalMinor => checked(Quantity * UnitPriceMinor);
}

public sealed record OrderDetails(
    string CustomerEmail,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    string PaymentToken,
    string? CallbackUrl = null)
{
    public long TotalMinor => Lines.Sum(l => l.TotalMinor); // Enumerable.Sum over longs is checked

    /// <summary>Stock is reserved per SKU, so repeated SKUs in one order are reserved together.</summary>
    public IReadOnlyList<(string Sku, int Quantity)> QuantitiesBySku() =>
        Lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .ToList();

    // Structural equality, so a retried PlaceOrder with the same body is recognised as the same order.
    public bool Equals(OrderDetails? other) =>
        other is not null
        && CustomerEmail == other.CustomerEmail
        && Currency == other.Currency
        && PaymentToken == other.PaymentToken
        && CallbackUrl == other.CallbackUrl
        && Lines.SequenceEqual(other.Lines);

    public override int GetHashCode() => HashCode.Combine(CustomerEmail, Currency, PaymentToken, CallbackUrl, Lines.Count);
}

public enum StepKind
{
    ReserveStock,
    CreateShipment,
    SendConfirmation,
    RecordAnalytics,
    ReleaseStock,
    RefundPayment,
    CancelShipment,
    SendCancellation,
    NotifyWebhook,
}

/// <summary>
/// One asynchronous step of one order; together with the order id it is the downstream dedupe key.
/// <paramref name="Subject"/> is the SKU of a stock step, or the status a webhook notification announces.
/// </summary>
public sealed record StepId(StepKind Kind, string? Subject = null)
{
    public bool IsCompensation => Kind is StepKind.ReleaseStock or StepKind.RefundPayment or StepKind.CancelShipment or StepKind.SendCancellation;

    /// <summary>Steps whose refusal must not undo the order: they are parked for an operator instead.</summary>
    public bool ParksOnRefusal => IsCompensation || Kind == StepKind.NotifyWebhook;

    /// <summary>The internal key (journal, downstream dedupe): never changes for a step once recorded.</summary>
    public override string ToString() => Subject is null ? Name(Kind) : $"{Name(Kind)}:{Subject}";

    /// <summary>The name shown to clients and webhook receivers: a status subject in its public spelling ("notify-webhook:payment_pending").</summary>
    public string PublicName => Kind == StepKind.NotifyWebhook && Enum.TryParse<OrderStatus>(Subject, out var status)
        ? $"{Name(Kind)}:{Spelling.Snake(status)}"
        : ToString();

    public static StepId Parse(string text)
    {
        var colon = text.IndexOf(':');
        var kindName = colon < 0 ? text : text[..colon];
        var kind = Enum.GetValues<StepKind>().FirstOrDefault(k => Name(k) == kindName, (StepKind)(-1));
        if ((int)kind < 0) throw new FormatException($"unknown step '{text}'");
        return new StepId(kind, colon < 0 ? null : text[(colon + 1)..]);
    }

    private static string Name(StepKind kind) => kind switch
    {
        StepKind.ReserveStock => "reserve-stock",
        StepKind.CreateShipment => "create-shipment",
        StepKind.SendConfirmation => "send-confirmation",
        StepKind.RecordAnalytics => "record-analytics",
        StepKind.ReleaseStock => "release-stock",
        StepKind.RefundPayment => "refund-payment",
        StepKind.CancelShipment => "cancel-shipment",
        StepKind.SendCancellation => "send-cancellation",
        StepKind.NotifyWebhook => "notify-webhook",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

public enum StepStatus
{
    Succeeded,
    Failed,
    Parked,
    /// <summary>A delivery failed and another is scheduled.</summary>
    Retrying,
    /// <summary>A webhook notification waiting behind an earlier one that is parked: notifications go out in order.</summary>
    Blocked,
}

/// <summary>A settled step: its outcome, how many deliveries it took, when the last was sent and when the outcome was recorded.</summary>
public sealed record StepRecord(StepStatus Status, string? Detail, int Attempts = 0, DateTimeOffset? At = null, DateTimeOffset? SentAt = null);

/// <summary>A step still due whose last delivery failed: <paramref name="Attempts"/> made so far, the next one at <paramref name="NextAttemptAt"/>.</summary>
public sealed record StepRetry(int Attempts, string LastError, DateTimeOffset SentAt, DateTimeOffset NextAttemptAt, DateTimeOffset At);

/// <summary>When the order entered a status; each one is announced to the order's callback URL, in order.</summary>
public sealed record StatusChange(OrderStatus Status, DateTimeOffset At);
