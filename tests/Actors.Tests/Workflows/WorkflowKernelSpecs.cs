using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Orders.Actors.Messaging;
using Orders.Actors.Workflows;

namespace Orders.Actors.Tests.Workflows;

/// <summary>
/// The workflow kernel on a workflow that is not an order (<see cref="TripWorkflow"/>: two synchronous calls, three
/// asynchronous steps, one compensation): waiters, retries, redelivery, parking, watchers, passivation, hand-off,
/// persist failures and crashes are the kernel's, so they hold for any workflow built on it.
/// </summary>
public sealed class WorkflowKernelSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly WorkflowSettings Settings = new()
    {
        CallTimeout = TimeSpan.FromMilliseconds(700),
        CallAttempts = 3,
        CallBackoff = new BackoffPolicy(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400), 0.2),
        StepAckTimeout = TimeSpan.FromMilliseconds(700),
        StepAttempts = 3,
        StepBackoff = new BackoffPolicy(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(1), 0.2),
        PassivateSettledAfter = TimeSpan.FromMilliseconds(200),
    };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ITestJournal _journal;
    private readonly TripWorld _world = new();
    private readonly TripWorkflow _workflow;

    public WorkflowKernelSpecs() : base(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"))
    {
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        _workflow = new TripWorkflow(Sys.ActorOf(_world.Calls("quote")), Sys.ActorOf(_world.Calls("charge")), Sys.ActorOf(_world.Steps()));
    }

    private readonly Dictionary<string, IActorRef> _trips = new();

    /// <summary>A new incarnation of trip <paramref name="id"/> (unsharded: a settled trip stops itself, as a shard would passivate it).</summary>
    private IActorRef Trip(string id) => _trips[id] = Sys.ActorOf(WorkflowActor<TripState, ITripEvent, string>.Props(id, _workflow, Settings, sharded: false));

    /// <summary>The running incarnation, or a new one when it has left memory: what a shard does for the next message.</summary>
    private IActorRef Live(string id) => _trips.TryGetValue(id, out var trip) && !((IInternalActorRef)trip).IsTerminated ? trip : Trip(id);

    private static BookTrip Book(string id, TripReplyAt at = TripReplyAt.Finished) => new(id, "ada", at, MessageContext.New());

    private TripView Await(string id, Func<TripView, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        var probe = CreateTestProbe();
        object? last = null;
        while (true)
        {
            Live(id).Tell(new GetTrip(id), probe);
            // A read that reached an instance just as it stopped is lost, as it would be in a shard's hand: ask again.
            last = probe.ReceiveOne(TimeSpan.FromSeconds(1)) ?? last;
            if (last is TripView view && condition(view)) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"trip {id} never reached the condition; last seen: {last}");
            Thread.Sleep(50);
        }
    }

    private void AssertEachEffectOnce(string id, params string[] keys)
    {
        foreach (var key in keys) Assert.True(_world.EffectsOf($"{id}/{key}") == 1, $"{id}/{key} took effect {_world.EffectsOf($"{id}/{key}")} times");
    }

    [Fact]
    public void Each_caller_is_answered_at_its_own_reply_point_and_the_effects_happen_once()
    {
        _world.Script("t1/charge", Behaviour.StaySilent, Behaviour.StaySilent); // two attempts time out: "Charged" comes later
        var trip = Trip("t1");
        var (recorded, charged, finished) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        trip.Tell(Book("t1", TripReplyAt.Recorded), recorded);
        trip.Tell(Book("t1", TripReplyAt.Charged), charged);
        trip.Tell(Book("t1", TripReplyAt.Finished), finished);

        Assert.Equal(TripStatus.Quoting, recorded.ExpectMsg<TripView>(Patience).Status);
        charged.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TripStatus.Booking, charged.ExpectMsg<TripView>(Patience).Status);
        var done = finished.ExpectMsg<TripView>(Patience);
        Assert.Equal(TripStatus.Booked, done.Status);
        Assert.All(TripState.ForwardSteps, s => Assert.Equal("done", done.Steps[s]));
        // requested, quoted, charge failed twice, charged, three steps done: nothing recorded twice.
        Assert.Equal(8, done.Version);
        AssertEachEffectOnce("t1", "quote", "charge", "reserve-seat", "issue-ticket", "notify-traveller");
        recorded.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_call_error_is_retried_with_backoff_and_a_refusal_is_never_retried()
    {
        _world.Script("t2/quote", Behaviour.FailTransiently, Behaviour.FailTransiently);
        Trip("t2").Tell(Book("t2"), TestActor);
        Assert.Equal(TripStatus.Booked, ExpectMsg<TripView>(Patience).Status);
        var quotes = _world.Arrivals["t2/quote"].Select(a => a.At).ToList();
        Assert.Equal(3, quotes.Count);
        Assert.True(quotes[1] - quotes[0] >= TimeSpan.FromMilliseconds(45), $"first backoff {(quotes[1] - quotes[0]).TotalMilliseconds} ms");
        Assert.True(quotes[2] - quotes[1] >= TimeSpan.FromMilliseconds(90), $"second backoff {(quotes[2] - quotes[1]).TotalMilliseconds} ms");

        _world.Script("t3/charge", Behaviour.Refuse);
        Trip("t3").Tell(Book("t3"), TestActor);
        var declined = ExpectMsg<TripView>(Patience);
        Assert.Equal((TripStatus.Declined, "charge declined"), (declined.Status, declined.Reason));
        Assert.Equal(1, _world.ArrivalsOf("t3/charge"));
        Assert.Equal(0, _world.ArrivalsOf("t3/reserve-seat"));
    }

    [Fact]
    public void A_call_that_keeps_failing_settles_after_its_attempts_with_the_last_answer()
    {
        _world.Script("t4/quote", Behaviour.StaySilent, Behaviour.FailTransiently, Behaviour.FailTransiently);
        Trip("t4").Tell(Book("t4"), TestActor);
        var view = ExpectMsg<TripView>(Patience);
        Assert.Equal((TripStatus.Declined, "quote failed"), (view.Status, view.Reason));
        Assert.Equal(3, _world.ArrivalsOf("t4/quote"));
    }

    [Fact]
    public void A_step_failing_transiently_is_redelivered_with_growing_delays_until_it_succeeds()
    {
        _world.Script("t5/issue-ticket", Behaviour.FailTransiently, Behaviour.FailTransiently);
        Trip("t5").Tell(Book("t5"), TestActor);
        var done = ExpectMsg<TripView>(Patience);
        Assert.Equal(TripStatus.Booked, done.Status);

        var deliveries = _world.Arrivals["t5/issue-ticket"].ToList();
        Assert.Equal([1, 2, 3], deliveries.Select(d => d.Attempt));
        var (first, second) = (deliveries[1].At - deliveries[0].At, deliveries[2].At - deliveries[1].At);
        Assert.True(first >= TimeSpan.FromMilliseconds(140), $"first redelivery after {first.TotalMilliseconds} ms");
        Assert.True(second >= TimeSpan.FromMilliseconds(290), $"second redelivery after {second.TotalMilliseconds} ms");
        AssertEachEffectOnce("t5", "issue-ticket");
    }

    [Fact]
    public void A_step_that_never_answers_is_parked_and_a_replay_delivers_it_again()
    {
        _world.Script("t6/notify-traveller", Behaviour.StaySilent, Behaviour.StaySilent, Behaviour.StaySilent);
        var trip = Trip("t6");
        trip.Tell(Book("t6", TripReplyAt.Charged), TestActor);
        ExpectMsg<TripView>(Patience);
        var parked = Await("t6", v => v.Steps.GetValueOrDefault("notify-traveller") == "parked");
        Assert.Equal(TripStatus.Booking, parked.Status);
        Assert.Equal(3, _world.ArrivalsOf("t6/notify-traveller"));

        trip.Tell(new ReplayTripSteps("t6"), TestActor);
        Assert.DoesNotContain("notify-traveller", ExpectMsg<TripView>(Patience).Steps.Keys);
        Assert.Equal(TripStatus.Booked, Await("t6", v => v.Status == TripStatus.Booked).Status);
        AssertEachEffectOnce("t6", "notify-traveller");

        Live("t6").Tell(new ReplayTripSteps("t6"), TestActor);
        Assert.Equal("no parked steps", ExpectMsg<TripRefused>(Patience).Reason);
    }

    [Fact]
    public async Task Parked_steps_are_replayed_by_step_identity_through_the_workflow_directory()
    {
        _world.Script("t13/notify-traveller", Behaviour.StaySilent, Behaviour.StaySilent, Behaviour.StaySilent);
        Trip("t13").Tell(Book("t13", TripReplyAt.Charged), TestActor);
        ExpectMsg<TripView>(Patience);
        Await("t13", v => v.Steps.GetValueOrDefault("notify-traveller") == "parked");

        // What a shard region does for the operator tools: route an instance's command to it, waking it if needed.
        var region = Sys.ActorOf(dsl => dsl.ReceiveAny((message, context) => Live(((ReplayTripSteps)message).TripId).Forward(message)));
        var registry = Akka.Hosting.ActorRegistry.For(Sys);
        var directory = new WorkflowDirectory([HostedWorkflow.Of(TripHistory.Instance, _ => region, (id, _) => new ReplayTripSteps(id),
            reply => reply is TripRefused refused ? refused.Reason : null)]);
        var reports = new List<ParkedStepReplay.Progress>();

        var final = await ParkedStepReplay.RunAsync(directory, registry,
            [new ParkedSteps("trip", "t13", ["notify-traveller"]), new ParkedSteps("trip", "t12", ["notify-traveller"]), new ParkedSteps("loan", "l1", ["score"])],
            concurrency: 2, Patience, TimeSpan.FromMilliseconds(50), p => { lock (reports) reports.Add(p); return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal((3, 1, 2, true), (final.Total, final.Done, final.Failed, final.Finished));
        Assert.Equal(["loan/l1: workflow 'loan' is not hosted on this node (it hosts trip)", "trip/t12: no parked steps"], final.Errors.Order());
        Assert.Same(final, reports[^1]);
        Assert.Equal(TripStatus.Booked, Await("t13", v => v.Status == TripStatus.Booked).Status);
        AssertEachEffectOnce("t13", "notify-traveller");
    }

    [Fact]
    public void A_refused_step_is_compensated()
    {
        _world.Script("t7/reserve-seat", Behaviour.Refuse);
        Trip("t7").Tell(Book("t7"), TestActor);
        var cancelled = ExpectMsg<TripView>(Patience);
        Assert.Equal((TripStatus.Cancelled, "reserve-seat refused"), (cancelled.Status, cancelled.Reason));
        Assert.Equal("done", cancelled.Steps[TripState.Refund]);
        AssertEachEffectOnce("t7", "charge", TripState.Refund);
    }

    [Fact]
    public void Watchers_hear_every_change_until_they_unwatch_and_a_settled_instance_then_leaves_memory()
    {
        var trip = Trip("t8");
        Watch(trip);
        var watcher = CreateTestProbe();
        trip.Tell(new WatchTrip("t8", watcher));
        watcher.ExpectMsg<TripView>(); // the state now (nothing yet)
        trip.Tell(Book("t8"), TestActor);
        Assert.Equal(TripStatus.Booked, ExpectMsg<TripView>(Patience).Status);

        var versions = new List<int>();
        while (versions.LastOrDefault() < 6) versions.Add(watcher.ExpectMsg<TripView>(Patience).Version);
        Assert.Equal([1, 2, 3, 4, 5, 6], versions);
        // Settled, but watched: it stays.
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));

        trip.Tell(new UnwatchTrip("t8", watcher));
        trip.Tell(new GetTrip("t8"), TestActor); // any message: the settled instance leaves after its idle time
        ExpectMsg<TripView>();
        ExpectTerminated(trip, Patience);
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_hand_off_waits_for_the_waiting_caller_and_the_next_incarnation_carries_on()
    {
        _world.Script("t9/issue-ticket", Behaviour.StaySilent);
        var trip = Trip("t9");
        Watch(trip);
        var caller = CreateTestProbe();
        trip.Tell(Book("t9", TripReplyAt.Charged), caller);
        // The caller waits for "charged": the hand-off waits for it too.
        trip.Tell(StopForHandOff.Instance);
        Assert.Equal(TripStatus.Booking, caller.ExpectMsg<TripView>(Patience).Status);
        ExpectTerminated(trip, Patience);

        // The ticket's delivery was in flight, unanswered: the next incarnation sends it again and finishes.
        Trip("t9");
        Assert.Equal(TripStatus.Booked, Await("t9", v => v.Status == TripStatus.Booked).Status);
        Assert.True(_world.ArrivalsOf("t9/issue-ticket") >= 2);
        AssertEachEffectOnce("t9", "quote", "charge", "reserve-seat", "issue-ticket", "notify-traveller");
    }

    [Fact]
    public async Task A_persist_failure_fails_the_waiting_callers_and_the_instance_recovers_from_what_was_stored()
    {
        _world.Script("t10/quote", Behaviour.StaySilent, Behaviour.StaySilent); // quoting lasts two timeouts
        var trip = Trip("t10");
        Watch(trip);
        var waiter = CreateTestProbe();
        trip.Tell(Book("t10", TripReplyAt.Finished), waiter);
        while (_world.ArrivalsOf("t10/quote") == 0) await Task.Delay(10);

        await _journal.OnWrite.Fail();
        Assert.StartsWith("not stored", waiter.ExpectMsg<TripRefused>(Patience).Reason);
        ExpectTerminated(trip, Patience);

        await _journal.OnWrite.Pass();
        Trip("t10");
        var booked = Await("t10", v => v.Status == TripStatus.Booked);
        Assert.Equal("charge-t10", booked.ChargeId);
        AssertEachEffectOnce("t10", "quote", "charge", "reserve-seat", "issue-ticket", "notify-traveller");
    }

    public static TheoryData<TripStatus> States => new() { TripStatus.Quoting, TripStatus.Charging, TripStatus.Booking, TripStatus.Compensating };

    [Theory]
    [MemberData(nameof(States))]
    public void A_crash_in_any_state_resumes_on_restart_with_each_effect_once(TripStatus crashIn)
    {
        var id = $"crash-{crashIn}".ToLowerInvariant();
        // Make the state last: what ends it stays silent once (its effect, if any, lost with the crash).
        var (silent, compensating) = crashIn switch
        {
            TripStatus.Quoting => ("quote", false),
            TripStatus.Charging => ("charge", false),
            TripStatus.Booking => ("issue-ticket", false),
            _ => (TripState.Refund, true),
        };
        _world.Script($"{id}/{silent}", Behaviour.StaySilent);
        if (compensating) _world.Script($"{id}/reserve-seat", Behaviour.Refuse);

        var trip = Trip(id);
        Watch(trip);
        trip.Tell(Book(id, TripReplyAt.Recorded), TestActor);
        ExpectMsg<TripView>(Patience);
        Await(id, v => v.Status == crashIn);
        AwaitCondition(() => _world.ArrivalsOf($"{id}/{silent}") == 1, Patience);

        trip.Tell(Kill.Instance);
        ExpectTerminated(trip, Patience);

        Trip(id);
        var done = Await(id, v => v.Status is TripStatus.Booked or TripStatus.Cancelled);
        Assert.Equal(compensating ? TripStatus.Cancelled : TripStatus.Booked, done.Status);
        Assert.True(_world.ArrivalsOf($"{id}/{silent}") >= 2, $"{silent} was asked again after the crash");
        AssertEachEffectOnce(id, compensating
            ? ["quote", "charge", TripState.Refund]
            : ["quote", "charge", "reserve-seat", "issue-ticket", "notify-traveller"]);
        // Recorded once each: requested, quoted, charged, and one event per settled step; a duplicate would add a version, not a step.
        Assert.Equal(3 + done.Steps.Count, done.Version);
    }
}
