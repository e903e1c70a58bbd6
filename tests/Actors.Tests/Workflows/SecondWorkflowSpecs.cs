using Akka.Actor;
using Akka.Hosting;
using Orders.Actors.Hosting;
using Orders.Actors.Messaging;
using Orders.Actors.OrderIndex;
using Orders.Actors.Simulation;
using Orders.Actors.Streams;
using Orders.Actors.Tests.Support;
using Orders.Actors.Workflows;

namespace Orders.Actors.Tests.Workflows;

public sealed class TripEventTagger() : WorkflowEventTagger(TripHistory.Type);

/// <summary>
/// A second workflow hosted beside the orders on a real node (its own shard region, the SQLite journal, events by
/// tag), registered the way the orders are (<see cref="WorkflowHosting.AddWorkflow{TKey,TState,TEvent,TStep}"/>): its parked steps reach
/// the step-issue read model under its own identity, its timeline is read from its journal, and the operator's replay
/// finds it through the workflow directory; the order's read model and replay are the same code.
/// </summary>
public sealed class SecondWorkflowSpecs : IAsyncLifetime
{
    private static readonly WorkflowSettings Settings = new()
    {
        CallTimeout = TimeSpan.FromSeconds(2),
        StepAckTimeout = TimeSpan.FromMilliseconds(500),
        StepAttempts = 3,
        StepBackoff = new BackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), 0.2),
        PassivateSettledAfter = TimeSpan.FromSeconds(30),
    };

    private sealed class Trips;

    private readonly TestDatabase _database = new();
    private readonly TripWorld _world = new();
    private OrderNode _node = null!;

    public async Task InitializeAsync() => _node = await OrderNode.StartAsync(_database, SimulatedProviders.Instant(), extend: (builder, options) => builder
        .TagWorkflowEvents<ITripEvent, TripEventTagger>()
        .AddStepIssues(TripHistory.Instance, options)
        .AddWorkflow<Trips, TripState, ITripEvent, string>(TripHistory.Type, InstanceOf, (system, _, _) =>
        {
            var workflow = new TripWorkflow(system.ActorOf(_world.Calls("quote")), system.ActorOf(_world.Calls("charge")), system.ActorOf(_world.Steps()));
            return _ => workflow;
        }, Settings));

    private static string? InstanceOf(object message) => message switch
    {
        BookTrip b => b.TripId,
        GetTrip g => g.TripId,
        ReplayTripSteps r => r.TripId,
        WatchTrip w => w.TripId,
        UnwatchTrip u => u.TripId,
        _ => null,
    };

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_parked_step_of_another_workflow_is_listed_by_its_identity_replayed_through_the_directory_and_told_in_its_timeline()
    {
        _world.Script("x1/notify-traveller", Behaviour.StaySilent, Behaviour.StaySilent, Behaviour.StaySilent);
        var trips = _node.Registry.Get<Trips>();
        await trips.Ask<TripView>(new BookTrip("x1", "ada", TripReplyAt.Charged, MessageContext.New()), TimeSpan.FromSeconds(10));
        var store = _database.Options().OrderIndex();

        var parked = await Poll(() => store.StepIssuesAsync(OrderIndexStore.Parked, workflow: TripHistory.Type), p => p.Count == 1, "the trip's parked step never reached the read model");
        Assert.Equal(("trip", "x1", "notify-traveller", "notify-traveller", 3), (parked[0].Workflow, parked[0].InstanceId, parked[0].Step, parked[0].Kind, parked[0].Attempts));
        Assert.Empty(await store.StepIssuesAsync(OrderIndexStore.Retrying, workflow: TripHistory.Type));
        Assert.Equal("trip", Assert.Single(await store.StepIssueGroupsAsync(OrderIndexStore.Parked)).Workflow);

        var directory = new WorkflowDirectory([WorkflowHosting.Orders, HostedWorkflow.Of(TripHistory.Instance, registry => registry.Get<Trips>(),
            (id, _) => new ReplayTripSteps(id), reply => reply is TripRefused refused ? refused.Reason : null)]);
        var targets = parked.Select(i => new ParkedSteps(i.Workflow, i.InstanceId, [i.Step])).ToList();
        var replay = await ParkedStepReplay.RunAsync(directory, _node.Registry, targets, 4, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200),
            _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal((1, 1, 0), (replay.Total, replay.Done, replay.Failed));

        await Poll(() => store.StepIssuesAsync(OrderIndexStore.Parked), p => p.Count == 0, "the replayed step never left the read model");
        var booked = await Poll(() => trips.Ask<TripView>(new GetTrip("x1"), TimeSpan.FromSeconds(5)), v => v.Status == TripStatus.Booked, "the trip never finished");
        Assert.Equal("done", booked.Steps["notify-traveller"]);
        Assert.Equal(1, _world.EffectsOf("x1/notify-traveller"));

        var timeline = await directory.Find(TripHistory.Type)!.Timeline(_node.System, "x1", CancellationToken.None);
        Assert.Equal([("step_attempt", "failed"), ("step_attempt", "failed"), ("step_parked", "parked"), ("step_replayed", "replayed"), ("step_attempt", "succeeded")],
            timeline.Where(e => e.Step == "notify-traveller").Select(e => (e.Kind, e.Outcome)));
        Assert.Equal(("quote_attempt", "quoted"), (timeline[0].Kind, timeline[0].Outcome));
        Assert.All(timeline, e => Assert.InRange(e.At, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow));
        Assert.Empty(await directory.Find(TripHistory.Type)!.Timeline(_node.System, "never-booked", CancellationToken.None));

        var lag = await Poll(() => EventStreamLag.For(_node.System).MeasureAsync(CancellationToken.None),
            l => l.Any(c => c is { Consumer: "step-issues-trip", Behind: 0 }), "the trip's step-issue projection never reported itself caught up");
        Assert.Contains(lag, c => c.Consumer == OrderIndexProjection.Name);
    }

    private static async Task<T> Poll<T>(Func<Task<T>> read, Func<T, bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"{failure}; last: {value}");
            await Task.Delay(200);
        }
    }
}
