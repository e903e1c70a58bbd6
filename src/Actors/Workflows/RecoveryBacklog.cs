using Akka.Actor;

namespace Orders.Actors.Workflows;

/// <summary>
/// How many workflow instances (orders, ...) on this node are started but not yet recovered. After a restart the shards start every remembered
/// instance at once; until they have replayed, a new one waits behind them, so readiness waits for this to drain.
/// </summary>
public sealed class RecoveryBacklog : IExtension
{
    private int _recovering;
    private long _started;

    public int Recovering => Volatile.Read(ref _recovering);
    /// <summary>Instances brought into memory since the node started: resumed by a restart, new, or read.</summary>
    public long Started => Interlocked.Read(ref _started);

    internal void Starting()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _recovering);
    }

    internal void Finished() => Interlocked.Decrement(ref _recovering);

    public static RecoveryBacklog For(ActorSystem system) => system.WithExtension<RecoveryBacklog, RecoveryBacklogId>();
}

public sealed class RecoveryBacklogId : ExtensionIdProvider<RecoveryBacklog>
{
    public override RecoveryBacklog CreateExtension(ExtendedActorSystem system) => new();
}
