using System.Collections.Concurrent;
using Akka.Actor;
using Orders.Actors.Workflows;

namespace Orders.Actors.Tests.Workflows;

/// <summary>What a scripted service does with one delivery.</summary>
public enum Behaviour { Answer, FailTransiently, Refuse, StaySilent }

/// <summary>
/// The outside world of the trip workflow, as actors with scripts and ledgers: a quote service, a charge service that
/// charges once per trip however often asked (the trip id is its idempotency key), and step services that apply each
/// (trip, step) once and record when every delivery arrived.
/// </summary>
public sealed class TripWorld
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Behaviour>> _scripts = new();

    /// <summary>Every delivery or call that arrived, keyed "trip/step" or "trip/call", with its arrival time and attempt number.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, int Attempt)>> Arrivals { get; } = new();

    /// <summary>Effects applied, keyed "trip/step" or "trip/charge": each must be 1, whatever was redelivered.</summary>
    public ConcurrentDictionary<string, int> Effects { get; } = new();

    /// <summary>The next deliveries of <paramref name="key"/> ("trip/step" or "trip/call") behave so, in order; then they answer.</summary>
    public void Script(string key, params Behaviour[] behaviours)
    {
        var queue = _scripts.GetOrAdd(key, _ => new ConcurrentQueue<Behaviour>());
        foreach (var b in behaviours) queue.Enqueue(b);
    }

    public int ArrivalsOf(string key) => Arrivals.TryGetValue(key, out var q) ? q.Count : 0;
    public int EffectsOf(string key) => Effects.GetValueOrDefault(key);

    private Behaviour Next(string key, int attempt)
    {
        Arrivals.GetOrAdd(key, _ => new ConcurrentQueue<(DateTimeOffset, int)>()).Enqueue((DateTimeOffset.UtcNow, attempt));
        return _scripts.TryGetValue(key, out var q) && q.TryDequeue(out var b) ? b : Behaviour.Answer;
    }

    public Props Calls(string call) => Props.Create(() => new CallService(this, call));
    public Props Steps() => Props.Create(() => new StepService(this));

    private sealed class CallService : ReceiveActor
    {
        public CallService(TripWorld world, string call) =>
            Receive<TripCallRequest>(r =>
            {
                var key = $"{r.TripId}/{call}";
                switch (world.Next(key, 0))
                {
                    case Behaviour.StaySilent: return;
                    case Behaviour.FailTransiently: Sender.Tell(new TripCallReply(r.TripId, call, false, false, $"{call} failed")); return;
                    case Behaviour.Refuse: Sender.Tell(new TripCallReply(r.TripId, call, false, true, $"{call} declined")); return;
                }
                world.Effects.TryAdd(key, 1); // one charge per trip: asked again, the same answer
                Sender.Tell(new TripCallReply(r.TripId, call, true, true, $"{call}-{r.TripId}"));
            });
    }

    private sealed class StepService : ReceiveActor
    {
        public StepService(TripWorld world) =>
            Receive<PerformTripStep>(p =>
            {
                var key = $"{p.TripId}/{p.Step}";
                switch (world.Next(key, p.Attempt))
                {
                    case Behaviour.StaySilent: return;
                    case Behaviour.FailTransiently: p.ReplyTo.Tell(new TripStepAnswer(p.TripId, p.Step, StepAnswerKind.Transient, $"{p.Step} unavailable")); return;
                    case Behaviour.Refuse: p.ReplyTo.Tell(new TripStepAnswer(p.TripId, p.Step, StepAnswerKind.Refused, $"{p.Step} refused")); return;
                }
                world.Effects.TryAdd(key, 1); // deduped by (trip, step): a redelivery changes nothing
                p.ReplyTo.Tell(new TripStepAnswer(p.TripId, p.Step, StepAnswerKind.Succeeded, $"{p.Step} done"));
            });
    }
}
