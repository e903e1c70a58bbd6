using Orders.Actors.Orders;

namespace Orders.Actors.Providers;

/// <summary>The provider simulator's HTTP contract, shared by its server and the nodes' clients.</summary>
public static class ProviderWire
{
    public const string Authorize = "/payment/authorize";
    public const string Refund = "/payment/refund";
    public const string CreateShipment = "/warehouse/shipments";
    public const string CancelShipment = "/warehouse/cancellations";
    public const string SendEmail = "/email/messages";
    public const string RecordAnalytics = "/analytics/records";
    public const string Simulations = "/simulations";
    public const string Ledger = "/ledger";

    public sealed record AuthorizeRequest(string IdempotencyKey, long AmountMinor, string Currency, string PaymentToken);
    public sealed record RefundRequest(string PaymentKey, string? AuthorizationId, long AmountMinor, string Currency);
    public sealed record ShipmentRequest(string OrderId, IReadOnlyList<OrderLine> Lines);
    public sealed record CancelShipmentRequest(string OrderId);
    public sealed record ReferenceReply(string Reference);
    /// <summary>503 means try again later (<see cref="ProviderUnavailableException"/>), 409 never (<see cref="ProviderRefusedException"/>).</summary>
    public sealed record ErrorReply(string Error);

    /// <summary>What the outside world has actually done: the figures a failover run is checked against.</summary>
    public sealed record LedgerReply(
        int AuthorizeCalls, int Charges, int Refunds, int DuplicateCharges,
        int EmailCalls, int EmailsDelivered, int WarehouseCalls, int ActiveShipments, int AnalyticsRecords);
}
