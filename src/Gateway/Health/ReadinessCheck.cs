using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orders.Actors.OrderIndex;

namespace Orders.Gateway.Health;

/// <summary>Ready when this node is an Up member of its cluster and the database answers.</summary>
public sealed class ReadinessCheck(ActorSystem system, OrderIndexStore database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var member = cluster.SelfMember;
        var state = cluster.State;
        var (up, unreachable) = (state.Members.Count(m => m.Status == MemberStatus.Up), state.Unreachable.Count);
        var membership = new Dictionary<string, object> { ["membersUp"] = up, ["unreachable"] = unreachable };
        if (member.Status != MemberStatus.Up)
            return HealthCheckResult.Unhealthy($"cluster member is {member.Status}, not Up");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await database.PingAsync(timeout.Token);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"the journal database does not answer: {e.Message}");
        }
        return HealthCheckResult.Healthy(
            $"member {member.Address} is Up ({up} up, {unreachable} unreachable); the journal database answers", membership);
    }
}
