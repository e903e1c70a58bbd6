using System.Threading.Channels;
using Akka.Actor;
using Orders.Actors.Messaging;
using static Orders.Actors.Orders.OrderCommands;

namespace Orders.Gateway.Application;

/// <summary>
/// Subscribes to one order on behalf of a streaming call and writes what it hears into a channel. It subscribes
/// again now and then, because an order restarted elsewhere (crash, rebalance) no longer knows its watchers.
/// </summary>
public sealed class WatchBridge : ReceiveActor, IWithTimers
{
    private sealed record Resubscribe;

    private readonly string _orderId;
    private readonly IActorRef _orders;
    private readonly ChannelWriter<object> _writer;
    private readonly MessageContext _context;

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly TimeSpan _resubscribeEvery;

    public WatchBridge(string orderId, IActorRef orders, ChannelWriter<object> writer, MessageContext context, TimeSpan resubscribeEvery)
    {
        _resubscribeEvery = resubscribeEvery;
        _orderId = orderId;
        _orders = orders;
        _writer = writer;
        _context = context;
        ReceiveAny(message =>
        {
            if (message is Resubscribe) Subscribe();
            else _writer.TryWrite(message);
        });
    }

    public static Props Props(string orderId, IActorRef orders, ChannelWriter<object> writer, MessageContext context, TimeSpan resubscribeEvery) =>
        Akka.Actor.Props.Create(() => new WatchBridge(orderId, orders, writer, context, resubscribeEvery));

    protected override void PreStart()
    {
        Subscribe();
        Timers.StartPeriodicTimer("resubscribe", new Resubscribe(), _resubscribeEvery);
    }

    protected override void PostStop()
    {
        _orders.Tell(new UnwatchOrder(_orderId, Self, _context));
        _writer.TryComplete();
    }

    private void Subscribe() => _orders.Tell(new WatchOrder(_orderId, Self, _context));
}
