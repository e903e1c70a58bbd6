using Akka.Actor;
using Orders.Actors.Services;
using Orders.Actors.Providers;
using Orders.Actors.Orders;

namespace Orders.Actors.Simulation;

/// <summary>
/// The chapter's inventory service answers in ~200 ms; ours is a persistent entity per SKU that answers as soon as its
/// event is stored. In a simulation this stands between the orders and the entities and holds each step's answer for
/// the simulated latency, so orders see the chapter's timing while the entity knows nothing of simulations. Every
/// delivery gets its own answer, in the order the deliveries were sent.
/// </summary>
public sealed class SimulatedInventoryLatency : ReceiveActor
{
    private readonly Dictionary<string, Queue<IActorRef>> _waiting = new();

    public SimulatedInventoryLatency(IActorRef inventory, ProviderSimulation latency)
    {
        Receive<PerformStep>(step =>
        {
            if (!_waiting.TryGetValue(step.IdempotencyKey, out var replyTos)) _waiting[step.IdempotencyKey] = replyTos = new Queue<IActorRef>();
            replyTos.Enqueue(step.ReplyTo);
            inventory.Tell(step with { ReplyTo = Self });
        });
        Receive<StepOutcome>(outcome =>
        {
            var key = $"{outcome.OrderId}/{outcome.Step}";
            if (!_waiting.TryGetValue(key, out var replyTos)) return;
            var replyTo = replyTos.Dequeue();
            if (replyTos.Count == 0) _waiting.Remove(key);
            var delay = latency.NextLatency();
            if (delay > TimeSpan.Zero) Context.System.Scheduler.ScheduleTellOnce(delay, replyTo, outcome, Self);
            else replyTo.Tell(outcome);
        });
    }

    public static Props Props(IActorRef inventory, ProviderSimulation latency) => Akka.Actor.Props.Create(() => new SimulatedInventoryLatency(inventory, latency));
}
