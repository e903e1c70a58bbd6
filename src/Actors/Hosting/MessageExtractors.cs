using Akka.Cluster.Sharding;
using Orders.Actors.Inventory;
using Orders.Actors.Messaging;
using Orders.Actors.Services;
using Orders.Actors.Orders;

namespace Orders.Actors.Hosting;

/// <summary>A workflow's messages go to the entity of the instance they name.</summary>
public sealed class WorkflowMessageExtractor(Func<object, string?> instanceOf, int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => instanceOf(message);
}

/// <summary>Stock steps go to the entity of the SKU they name; everything else about stock carries its SKU.</summary>
public sealed class InventoryMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        PerformStep step => step.Step.Subject,
        IWithSku withSku => withSku.Sku,
        _ => null,
    };
}
