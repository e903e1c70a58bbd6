using Akka.Actor;

namespace Orders.Actors.Orders;

/// <summary>The actors an order talks to. <see cref="StepReplies"/> is where step outcomes are sent: the order region when sharded.</summary>
public sealed record OrderServices(
    IActorRef Payment,
    IActorRef Inventory,
    IActorRef Warehouse,
    IActorRef Email,
    IActorRef Analytics,
    IActorRef Webhooks,
    IActorRef? StepReplies = null)
{
    public IActorRef For(StepKind kind) => kind switch
    {
        StepKind.ReserveStock or StepKind.ReleaseStock => Inventory,
        StepKind.CreateShipment or StepKind.CancelShipment => Warehouse,
        StepKind.SendConfirmation or StepKind.SendCancellation => Email,
        StepKind.RefundPayment => Payment,
        StepKind.RecordAnalytics => Analytics,
        StepKind.NotifyWebhook => Webhooks,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
