using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Akka.Persistence.Sql.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orders.Actors.Messaging;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Streams;
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
        OrderHistory.Instance.PublicName,
        // The order's story also tells its status changes.
        async (system, orderId, ct) => (await OrderTimeline.ReadAsync(system, orderId, ct).ConfigureAwait(false)).Entries);

    /// <summary>Adds a hosted workflow to the node's directory (the checkout's is <see cref="Orders"/>).</summary>
    public static IServiceCollection AddHostedWorkflow(this IServiceCollection services, HostedWorkflow workflow)
    {
        services.AddSingleton(workflow);
        services.TryAddSingleton(provider => new WorkflowDirectory(provider.GetServices<HostedWorkflow>()));
        return services;
    }

    /// <summary>
    /// Tags every <typeparamref name="TEvent"/> with the workflow's type (the tagger names it) as the journal stores it:
    /// what the workflow's event stream, and with it its step issues, are read from.
    /// </summary>
    public static AkkaConfigurationBuilder TagWorkflowEvents<TEvent, TTagger>(this AkkaConfigurationBuilder builder) where TTagger : WorkflowEventTagger
    {
        var adapter = $"tagger-{typeof(TTagger).Name}";
        return builder.AddHocon($$"""
            akka.persistence.journal.sql {
              event-adapters { {{adapter}} = "{{TypeName(typeof(TTagger))}}" }
              event-adapter-bindings { "{{TypeName(typeof(TEvent))}}" = {{adapter}} }
            }
            """, HoconAddMode.Prepend);
    }

    /// <summary>The step issues of a workflow (not the order's: the order index keeps those), kept by one projection in the cluster.</summary>
    public static AkkaConfigurationBuilder AddStepIssues<TEvent>(this AkkaConfigurationBuilder builder, IWorkflowHistory<TEvent> history, OrderSystemOptions options) =>
        builder.WithSingleton<StepIssueProjectionOf<TEvent>>(StepIssueProjection.NameOf(history.Type),
            (_, _, _) => StepIssueProjection.Props(options.Persistence.OrderIndex(), history,
                new TaggedEventStream.Settings(SqlReadJournal.Identifier, 1000, TimeSpan.FromMilliseconds(200), history.Type)),
            new ClusterSingletonOptions());

    /// <summary>The registry key of a workflow's step-issue projection.</summary>
    public sealed class StepIssueProjectionOf<TEvent>;

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>
    /// A workflow's instances as a shard region named by its type: one kernel actor per instance id, remembered (an
    /// instance with work in flight starts again after a crash or a move without being asked), handed off only once its
    /// waiting callers have their answers (<see cref="StopForHandOff"/>).
    /// </summary>
    /// <param name="instanceOf">The instance a message is for; null for a message that is not the workflow's.</param>
    /// <param name="definitions">Built once per node: the definition of one instance (it may hold the actors its calls and steps go to).</param>
    /// <param name="observer">Built once per node: the hook for the workflow's metrics, spans and logs; none by default.</param>
    public static AkkaConfigurationBuilder AddWorkflow<TKey, TState, TEvent, TStep>(this AkkaConfigurationBuilder builder, string type,
        Func<object, string?> instanceOf, Func<ActorSystem, IActorRegistry, IDependencyResolver, Func<string, IWorkflow<TState, TEvent, TStep>>> definitions,
        WorkflowSettings settings, Func<ActorSystem, IDependencyResolver, WorkflowObserver<TState, TEvent, TStep>?>? observer = null)
        where TState : class where TEvent : class where TStep : notnull =>
        builder.WithShardRegion<TKey>(type,
            (system, registry, resolver) =>
            {
                var definitionOf = definitions(system, registry, resolver);
                var hook = observer?.Invoke(system, resolver);
                return id => WorkflowActor<TState, TEvent, TStep>.Props(id, definitionOf(id), settings, observer: hook);
            },
            new WorkflowMessageExtractor(instanceOf),
            new ShardOptions
            {
                StateStoreMode = StateStoreMode.Persistence,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                HandOffStopMessage = StopForHandOff.Instance,
            });
}
