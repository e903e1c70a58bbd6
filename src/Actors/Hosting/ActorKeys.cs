namespace Orders.Actors.Hosting;

/// <summary>Registry keys: resolve with <c>IRequiredActor&lt;ActorKeys.Orders&gt;</c> or <c>ActorRegistry.Get&lt;...&gt;()</c>.</summary>
public static class ActorKeys
{
    public sealed class Orders;
    public sealed class Inventory;
    /// <summary>Where orders send their inventory steps: the inventory region, or in a simulation the latency in front of it.</summary>
    public sealed class InventorySteps;
    public sealed class Payment;
    public sealed class Warehouse;
    public sealed class Email;
    public sealed class AnalyticsService;
    public sealed class AnalyticsProjection;
    public sealed class Webhooks;
    public sealed class OrderIndex;
    public sealed class ProviderControl;
}
