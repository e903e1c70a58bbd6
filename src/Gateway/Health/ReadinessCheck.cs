using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orders.Actors.Hosting;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Actors.Workflows;

namespace Orders.Gateway.Health;

/// <summary>
/// Ready when this node can serve an order at its normal speed: it is an Up member, the database answers, the order
/// shards are placed and answer, and the orders a restart resumes have finished replaying (new orders would wait behind them).
/// </summary>
public sealed class ReadinessCheck(ActorSystem system, OrderIndexStore database, IRequiredActor<ActorKeys.Orders> orders) : IHealthCheck
{
    /// <summary>Below this many orders still replaying, a new order's own recovery is not held up noticeably.</summary>
    public const int RecoveringOrdersAllowed = 64;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);
    private readonly RecoveryBacklog _backlog = RecoveryBacklog.For(system);
    private static readonly TimeSpan ShardsSettleFor = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private volatile bool _caughtUp;
    private int _shardsSeen = -1;
    private DateTime _shardsSeenSince;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var member = cluster.SelfMember;
        var state = cluster.State;
        var (up, unreachable) = (state.Members.Count(m => m.Status == MemberStatus.Up), state.Unreachable.Count);
        var data = new Dictionary<string, object> { ["membersUp"] = up, ["unreachable"] = unreachable, ["ordersRecovering"] = _backlog.Recovering, ["ordersStarted"] = _backlog.Started };
        if (member.Status != MemberStatus.Up)
            return HealthCheckResult.Unhealthy($"cluster member is {member.Status}, not Up", data: data);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AskTimeout);
            await database.PingAsync(timeout.Token);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"the journal database does not answer: {e.Message}", data: data);
        }
        if (!_caughtUp && await CatchingUpAsync() is { } reason)
            return HealthCheckResult.Unhealthy(reason, data: data);
        return HealthCheckResult.Healthy(
            $"member {member.Address} is Up ({up} up, {unreachable} unreachable); the journal database answers", data);
    }

    /// <summary>Why the node is still resuming after its start, or null once it has caught up (then for good: load is not a restart).</summary>
    private async Task<string?> CatchingUpAsync()
    {
        int shards;
        try
        {
            var regions = await orders.ActorRef.Ask<CurrentRegions>(GetCurrentRegions.Instance, AskTimeout);
            if (!regions.Regions.Contains(Cluster.Get(system).SelfAddress))
                return "the order region has not registered with the shard coordinator yet";
            // A shard answers only once it has loaded its remembered orders and started them.
            shards = (await orders.ActorRef.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout)).Shards.Count;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return "the order shards are still being placed";
        }
        var recovering = _backlog.Recovering;
        if (recovering > RecoveringOrdersAllowed)
            return $"{recovering} orders are still resuming after the restart";
        // The coordinator hands out the remembered shards one by one after the region registers; none arriving for a
        // moment means they are all here.
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            if (shards != _shardsSeen)
            {
                (_shardsSeen, _shardsSeenSince) = (shards, now);
                return $"{shards} order shards placed so far";
            }
            if (now - _shardsSeenSince < ShardsSettleFor)
                return $"{shards} order shards placed, waiting for more";
        }
        _caughtUp = true;
        return null;
    }
}
