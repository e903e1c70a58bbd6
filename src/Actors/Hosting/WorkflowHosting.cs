using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Hosting;

/// <summary>The workflows a node hosts, for the operator tools that address steps by identity (<see cref="WorkflowDirectory"/>).</summary>
public static class WorkflowHosting
{
    public static readonly HostedWorkflow Orders = new(
        OrderWorkflow.Type,
        registry => registry.Get<ActorKeys.Orders>(),
        (orderId, steps) => new ReplayParkedSteps(orderId, MessageContext.New(), steps),
        reply => reply is CommandRejected rejected ? rejected.Reason : null,
        OrderHistory.Instance.PublicName);

    /// <summary>Adds a hosted workflow to the node's directory (the checkout's is <see cref="Orders"/>).</summary>
    public static IServiceCollection AddHostedWorkflow(this IServiceCollection services, HostedWorkflow workflow)
    {
        services.AddSingleton(workflow);
        services.TryAddSingleton(provider => new WorkflowDirectory(provider.GetServices<HostedWorkflow>()));
        return services;
    }
}
