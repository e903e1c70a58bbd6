using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Actors.Hosting;
using Orders.Actors.Simulation;
using Orders.Actors.Inventory;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Telemetry;
using System.Diagnostics.Metrics;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Support;

/// <summary>
/// One real node, started exactly as the gateway starts it (Akka.Hosting, SQLite file journal, one-node cluster),
/// against providers that outlive it, so a test can crash the node and start another on the same database.
/// </summary>
public sealed class OrderNode : IAsyncDisposable
{
    private readonly IHost _host;

    private OrderNode(IHost host, SimulatedProviders providers)
    {
        _host = host;
        Providers = providers;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = ActorRegistry.For(System);
        Metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>());
    }

    /// <summary>What this node's order meter recorded since it started (this node's only, not another's in the process).</summary>
    public RecordedMetrics Metrics { get; }

    public ActorSystem System { get; }
    public ActorRegistry Registry { get; }
    public SimulatedProviders Providers { get; }
    public IActorRef Orders => Registry.Get<ActorKeys.Orders>();
    public IActorRef Inventory => Registry.Get<ActorKeys.Inventory>();

    /// <param name="extend">More for the node to host (another workflow, say), added after the order system.</param>
    public static async Task<OrderNode> StartAsync(TestDatabase database, SimulatedProviders providers, Action<OrderSystemOptions>? configure = null,
        Action<AkkaConfigurationBuilder, OrderSystemOptions>? extend = null)
    {
        var options = new OrderSystemOptions
        {
            SystemName = "orders",
            Persistence = database.Options(),
            Order = FastOrderSettings,
            Supervision = new() { MinBackoff = TimeSpan.FromMilliseconds(300), MaxBackoff = TimeSpan.FromSeconds(2), ResetAfter = TimeSpan.FromSeconds(5) },
        };
        configure?.Invoke(options);
        var host = Host.CreateDefaultBuilder()
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services => services.AddMetrics().AddSingleton<OrderMetrics>().AddAkka(options.SystemName, b =>
            {
                b.AddOrderSystem(options, providers.Clients).AddSimulations(providers);
                extend?.Invoke(b, options);
            }))
            .Build();
        await host.StartAsync();
        var node = new OrderNode(host, providers);
        await node.WaitUntilUpAsync();
        return node;
    }

    /// <summary>Order timings scaled down so simulations run in seconds; the policies are the production ones.</summary>
    public static OrderSettings FastOrderSettings => new()
    {
        PaymentTimeout = TimeSpan.FromSeconds(2),
        StepAckTimeout = TimeSpan.FromSeconds(3),
        StepBackoffMin = TimeSpan.FromMilliseconds(100),
        StepBackoffMax = TimeSpan.FromSeconds(1),
    };

    private async Task WaitUntilUpAsync()
    {
        var cluster = Cluster.Get(System);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cluster.SelfMember.Status != MemberStatus.Up)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not join its cluster within 30 s");
            await Task.Delay(50);
        }
    }

    public Task<object> AskAsync(IActorRef target, object message, TimeSpan? timeout = null) =>
        target.Ask<object>(message, timeout ?? TimeSpan.FromSeconds(15));

    public async Task<OrderView> PlaceAsync(string orderId, OrderDetails details, ResponseMode mode, TimeSpan? timeout = null) =>
        Expect<OrderView>(await AskAsync(Orders, new PlaceOrder(orderId, details, mode, MessageContext.New()), timeout));

    public async Task<object> GetAsync(string orderId) => await AskAsync(Orders, new GetOrder(orderId, MessageContext.New()));

    public async Task<OrderView> GetViewAsync(string orderId) => Expect<OrderView>(await GetAsync(orderId));

    /// <summary>Polls until the order is terminal and returns it; fails with the last state seen.</summary>
    public async Task<OrderView> WaitForTerminalAsync(string orderId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        OrderView? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (await GetAsync(orderId) is OrderView view)
            {
                last = view;
                if (view.IsTerminal) return view;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"order {orderId} did not finish; last seen: {last?.Status} steps [{string.Join(", ", last?.Steps.Select(s => $"{s.Step}={s.Status}") ?? [])}]");
    }

    public async Task SetStockAsync(string sku, long available) =>
        Expect<InventoryCommands.StockLevel>(await AskAsync(Inventory, new InventoryCommands.SetStock(sku, available, MessageContext.New())));

    public async Task<InventoryCommands.StockLevel> GetStockAsync(string sku) =>
        Expect<InventoryCommands.StockLevel>(await AskAsync(Inventory, new InventoryCommands.GetStock(sku, MessageContext.New())));

    public static T Expect<T>(object reply) => reply is T t
        ? t
        : throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name} but got {reply}");

    /// <summary>Kills the actor system without coordinated shutdown: in-flight work is simply gone, as in a crash.</summary>
    public async Task CrashAsync()
    {
        ((ExtendedActorSystem)System).Abort();
        await System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
        try { await _host.StopAsync(TimeSpan.FromSeconds(5)); } catch { /* the system is already gone */ }
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            try { await _host.StopAsync(TimeSpan.FromSeconds(20)); } catch (OperationCanceledException) { }
        }
        Metrics.Dispose();
        _host.Dispose();
    }
}
