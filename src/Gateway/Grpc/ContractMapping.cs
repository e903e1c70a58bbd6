using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Gateway.Application;
using V1 = Orders.Contracts.V1;

namespace Orders.Gateway.Grpc;

/// <summary>Domain ↔ orders.v1 contract. Enum members share their names, so the mapping is by name.</summary>
public static class ContractMapping
{
    public static V1.OrderStatus ToContract(this OrderStatus status) => Enum.Parse<V1.OrderStatus>(status.ToString());

    public static OrderStatus? ToDomain(this V1.OrderStatus status) =>
        status == V1.OrderStatus.Unspecified ? null : Enum.Parse<OrderStatus>(status.ToString());

    public static V1.ResponseMode ToContract(this ResponseMode mode) => Enum.Parse<V1.ResponseMode>(mode.ToString());

    /// <summary>Unknown numbers map to an undefined mode, which validation then names.</summary>
    public static ResponseMode ToDomain(this V1.ResponseMode mode) => mode switch
    {
        V1.ResponseMode.Unspecified or V1.ResponseMode.Hybrid => ResponseMode.Hybrid,
        V1.ResponseMode.Sync => ResponseMode.Sync,
        V1.ResponseMode.Accepted => ResponseMode.Accepted,
        _ => (ResponseMode)(-1),
    };

    public static V1.Order ToContract(this OrderReplies.OrderView view)
    {
        var order = new V1.Order
        {
            OrderId = view.OrderId,
            Status = view.Status.ToContract(),
            Mode = view.Mode.ToContract(),
            CustomerEmail = view.Details.CustomerEmail,
            Total = new V1.Money { AmountMinor = view.Details.TotalMinor, Currency = view.Details.Currency },
            AuthorizationId = view.AuthorizationId ?? "",
            Reason = view.Reason ?? "",
            Version = view.Version,
            PlacedAt = Timestamp.FromDateTimeOffset(view.PlacedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(view.UpdatedAt),
            CorrelationId = view.CorrelationId,
            TraceId = view.TraceId,
            CallbackUrl = view.Details.CallbackUrl ?? "",
            PaymentAttempts = view.PaymentAttempts,
        };
        order.Items.AddRange(view.Details.Lines.Select(l => new V1.OrderItem { Sku = l.Sku, Quantity = l.Quantity, UnitPriceMinor = l.UnitPriceMinor }));
#pragma warning disable CS0612 // the deprecated string field keeps being filled for clients that still read it
        order.Steps.AddRange(view.Steps.Select(s => new V1.Step
        {
            Name = StepId.Parse(s.Step).PublicName, Status = ApiFace.Grpc.Spell(s.Status), State = Enum.Parse<V1.StepStatus>(s.Status.ToString()),
            Detail = s.Detail ?? "", Attempts = s.Attempts,
            At = Stamp(s.At), SentAt = Stamp(s.SentAt), NextAttemptAt = Stamp(s.NextAttemptAt),
        }));
#pragma warning restore CS0612
        return order;
    }

    private static Timestamp? Stamp(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    public static V1.OrderSummary ToContract(this OrderSummary summary) => new()
    {
        OrderId = summary.OrderId,
        Status = summary.Status.ToContract(),
        Mode = summary.Mode.ToContract(),
        Total = new V1.Money { AmountMinor = summary.TotalMinor, Currency = summary.Currency },
        PlacedAt = Timestamp.FromDateTimeOffset(summary.PlacedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(summary.UpdatedAt),
    };
}
