using System.Diagnostics;
using Akka.Actor;
using Orders.Actors.Messaging;

namespace Orders.Actors.Services;

/// <summary>
/// A request to a supervised service, from an instance of some workflow; it knows how to answer when the service is
/// backing off. Services know no workflow: they dedupe by <see cref="IdempotencyKey"/> and name the instance in logs
/// and spans by <see cref="Workflow"/> and <see cref="InstanceId"/>.
/// </summary>
public interface IServiceRequest : ITraced, IOrderSystemMessage
{
    /// <summary>The workflow type the request is for ("order").</summary>
    string Workflow { get; }

    /// <summary>The instance of <see cref="Workflow"/> the request is for (an order id).</summary>
    string InstanceId { get; }

    /// <summary>Adds what the workflow wants seen on the span of the work on this request (e.g. which step, which attempt).</summary>
    void TagSpan(Activity span) { }

    /// <summary>Downstream dedupe key: one effect per key, however often the request is delivered.</summary>
    string IdempotencyKey { get; }

    /// <summary>Where the answer goes: the asker, or the workflow's shard region for fire-and-forget steps.</summary>
    IActorRef ReplyTarget(IActorRef sender);

    /// <summary>
    /// Failed or refused while the provider is in trouble, should its sender hear the moment the provider is back? Yes
    /// for fire-and-forget steps (their instance waits anyway); no for synchronous asks, whose caller has long moved on.
    /// </summary>
    bool ReleaseWhenRecovered { get; }

    /// <summary>
    /// What the reply target is told when the provider can take this request (again): send it now rather than at the
    /// end of its own backoff. The sender decides whether it is still wanted, so nothing stale or parked is sent.
    /// </summary>
    /// <param name="probe">Only to find out whether the provider is back: not counted as an attempt, a failure not recorded.</param>
    object? Recovered(string service, bool probe);

    /// <param name="cause">The provider failure that made the service back off, when known.</param>
    object Unavailable(string service, DateTimeOffset retryAfter, string? cause);
}

public static class ServiceUnavailable
{
    /// <summary>
    /// The cause first, so that a step refused while the service backs off reads (and groups, in `steps parked`) as the
    /// same problem as one the provider itself failed: one outage, one group.
    /// </summary>
    public static string Describe(string service, DateTimeOffset retryAfter, string? cause) => cause is null
        ? $"{service} service unavailable (backing off until {retryAfter:O})"
        : $"{cause} ({service} service backing off until {retryAfter:O})";
}

public enum ServiceState
{
    Healthy,
    BackingOff,
}

public sealed record GetServiceHealth : IOrderSystemMessage
{
    public static readonly GetServiceHealth Instance = new();
}

public sealed record ServiceHealth(
    string Service,
    ServiceState State,
    DateTimeOffset? BackingOffSince,
    DateTimeOffset? RetryNoLaterThan,
    int RestartCount,
    int ConsecutiveFailures,
    string? LastError) : IOrderSystemMessage;
