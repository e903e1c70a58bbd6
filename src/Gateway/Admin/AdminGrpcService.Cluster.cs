using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Grpc.Core;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Gateway.Admin;

/// <summary>Cluster membership, the local actor tree and sharding, with Petabridge.Cmd's palette names.</summary>
public sealed partial class AdminGrpcService
{
    private const int MaxActorsListed = 2_000;

    private Cluster Cluster => Cluster.Get(system);

    public override Task<AdminV1.ClusterState> ShowCluster(AdminV1.ShowClusterRequest request, ServerCallContext context) => Task.FromResult(ClusterState());

    private AdminV1.ClusterState ClusterState()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var oldest = state.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).FirstOrDefault();
        var reply = new AdminV1.ClusterState
        {
            SelfAddress = Cluster.SelfAddress.ToString(), Leader = state.Leader?.ToString() ?? "", Oldest = oldest?.Address.ToString() ?? "",
        };
        reply.Members.AddRange(state.Members.Select(m =>
        {
            var member = new AdminV1.Member
            {
                Address = m.Address.ToString(), Status = Snake(m.Status.ToString()), Reachable = !unreachable.Contains(m.Address),
                Leader = m.Address.Equals(state.Leader), Oldest = oldest is not null && m.Address.Equals(oldest.Address),
                Self = m.Address.Equals(Cluster.SelfAddress),
            };
            member.Roles.AddRange(m.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order());
            return member;
        }));
        reply.Unreachable.AddRange(unreachable.Select(a => a.ToString()));
        return reply;
    }

    public override async Task TailCluster(AdminV1.TailClusterRequest request, IServerStreamWriter<AdminV1.ClusterEvent> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateBounded<AdminV1.ClusterEvent>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var forwarder = system.ActorOf(Props.Create(() => new ClusterEventForwarder(channel.Writer)));
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(e, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // the operator pressed Ctrl-C: the normal end of a tail
        }
        finally
        {
            forwarder.Tell(PoisonPill.Instance);
        }
    }

    public override Task<AdminV1.ClusterActionReply> JoinCluster(AdminV1.MemberRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, mustBeMember: false);
        Cluster.Join(address);
        return Task.FromResult(new AdminV1.ClusterActionReply { Message = $"{Cluster.SelfAddress} is joining {address}", Affected = { address.ToString() } });
    }

    public override Task<AdminV1.ClusterActionReply> LeaveCluster(AdminV1.MemberRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, mustBeMember: true);
        Cluster.Leave(address);
        return Task.FromResult(new AdminV1.ClusterActionReply
        {
            Message = $"{address} is leaving gracefully: its shards move to the other members, then it shuts down", Affected = { address.ToString() },
        });
    }

    public override Task<AdminV1.ClusterActionReply> DownMember(AdminV1.MemberRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address, mustBeMember: true);
        Cluster.Down(address);
        return Task.FromResult(new AdminV1.ClusterActionReply { Message = $"{address} marked down", Affected = { address.ToString() } });
    }

    public override Task<AdminV1.ClusterActionReply> DownUnreachable(AdminV1.DownUnreachableRequest request, ServerCallContext context)
    {
        var unreachable = Cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable) Cluster.Down(address);
        var reply = new AdminV1.ClusterActionReply
        {
            Message = unreachable.Count == 0 ? "no member is unreachable; nothing downed" : $"downed {unreachable.Count} unreachable member(s)",
        };
        reply.Affected.AddRange(unreachable.Select(a => a.ToString()));
        return Task.FromResult(reply);
    }

    /// <summary>
    /// Accepts a full address (akka.tcp://orders@host:port) or host:port. Actions on members must name one; a join
    /// target is built from this node's protocol and system name.
    /// </summary>
    private Address ParseAddress(string text, bool mustBeMember)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Invalid("address", "name a member, as host:port or akka.tcp://system@host:port (see `cluster show`)");
        Address? address = null;
        if (text.Contains("://"))
        {
            try { address = Address.Parse(text.Trim()); }
            catch (Exception e) when (e is UriFormatException or ArgumentException) { }
        }
        else if (text.Split(':') is [var host, var port] && int.TryParse(port, out var number) && number is > 0 and < 65536 && host.Length > 0)
        {
            address = new Address(Cluster.SelfAddress.Protocol, Cluster.SelfAddress.System, host, number);
        }
        if (address is null) throw Invalid("address", $"'{text}' is not an address: use host:port or akka.tcp://system@host:port");
        if (!mustBeMember) return address;
        var member = Cluster.State.Members.FirstOrDefault(m => m.Address.Host == address.Host && m.Address.Port == address.Port);
        return member?.Address ?? throw OrderGrpcNotFound($"{address} is not a member of this cluster (see `cluster show`)");
    }

    public override Task<AdminV1.ActorHierarchyReply> ActorHierarchy(AdminV1.ActorHierarchyRequest request, ServerCallContext context) => Call(async () =>
    {
        var root = string.IsNullOrWhiteSpace(request.Path) ? "/user" : request.Path.TrimEnd('/');
        if (!root.StartsWith('/') || root.Contains("..") || root.Contains('*')) throw Invalid("path", $"'{request.Path}' is not an actor path such as /user or /system/sharding");
        if (request.Depth is < 0 or > 10) throw Invalid("depth", "must be from 1 to 10 (0: the default, 2)");
        var depth = request.Depth == 0 ? 2 : request.Depth;
        var reply = new AdminV1.ActorHierarchyReply();
        var level = new List<string> { root };
        for (var d = 1; d <= depth && level.Count > 0 && !reply.Truncated; d++)
        {
            var next = new List<string>();
            foreach (var parent in level)
            {
                foreach (var child in await ChildrenOf(parent, context.CancellationToken))
                {
                    if (reply.Actors.Count >= MaxActorsListed) { reply.Truncated = true; break; }
                    reply.Actors.Add(new AdminV1.ActorNode { Path = child, Depth = d });
                    next.Add(child);
                }
                if (reply.Truncated) break;
            }
            level = next;
        }
        // Depth-first order reads as a tree.
        var ordered = reply.Actors.OrderBy(a => a.Path, StringComparer.Ordinal).ToList();
        reply.Actors.Clear();
        reply.Actors.AddRange(ordered);
        return reply;
    });

    /// <summary>Children answer an Identify sent to parent/*; the answers stop coming once all have replied.</summary>
    private async Task<IReadOnlyList<string>> ChildrenOf(string parent, CancellationToken ct)
    {
        var inbox = Inbox.Create(system);
        try
        {
            system.ActorSelection($"{parent}/*").Tell(new Identify(parent), inbox.Receiver);
            var children = new List<string>();
            var quiet = TimeSpan.FromMilliseconds(children.Count == 0 ? 300 : 100);
            while (!ct.IsCancellationRequested && children.Count < MaxActorsListed)
            {
                try
                {
                    if (await inbox.ReceiveAsync(quiet) is ActorIdentity { Subject: { } subject })
                        children.Add(subject.Path.ToStringWithoutAddress());
                }
                catch (TimeoutException)
                {
                    break;
                }
                quiet = TimeSpan.FromMilliseconds(100);
            }
            return children;
        }
        finally
        {
            inbox.Dispose();
        }
    }

    public override Task<AdminV1.ShardRegionsReply> ShardRegions(AdminV1.ShardRegionsRequest request, ServerCallContext context) => Call(async () =>
    {
        var sharding = ClusterSharding.Get(system);
        var reply = new AdminV1.ShardRegionsReply { Node = Cluster.SelfAddress.ToString() };
        foreach (var type in sharding.ShardTypeNames.Order())
        {
            var stats = await sharding.ShardRegion(type).Ask<ShardRegionStats>(GetShardRegionStats.Instance, AskTimeout, context.CancellationToken);
            reply.Regions.Add(new AdminV1.ShardRegion { TypeName = type, Shards = stats.Stats.Count, Entities = stats.Stats.Values.Sum() });
        }
        return reply;
    });

    public override Task<AdminV1.RegionStatsReply> RegionStats(AdminV1.RegionStatsRequest request, ServerCallContext context) => Call(async () =>
    {
        var sharding = ClusterSharding.Get(system);
        var types = sharding.ShardTypeNames.Order().ToList();
        if (!types.Contains(request.TypeName))
            throw Invalid("type_name", $"'{request.TypeName}' is not an entity type: use one of {string.Join(", ", types)}");
        var stats = await sharding.ShardRegion(request.TypeName)
            .Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(1), context.CancellationToken);
        var reply = new AdminV1.RegionStatsReply { TypeName = request.TypeName, Coordinator = await CoordinatorOf(request.TypeName, context.CancellationToken) };
        foreach (var (address, region) in stats.Regions.OrderBy(r => r.Key.ToString()))
        {
            var node = new AdminV1.NodeShards { Node = address.ToString(), Shards = region.Stats.Count, Entities = region.Stats.Values.Sum() };
            if (request.WithShards) node.EntitiesByShard.Add(region.Stats.ToDictionary(kv => kv.Key, kv => kv.Value));
            reply.Nodes.Add(node);
            reply.Failed.AddRange(region.Failed.Select(shard => $"{address}: shard {shard}"));
        }
        reply.TotalShards = reply.Nodes.Sum(n => n.Shards);
        reply.TotalEntities = reply.Nodes.Sum(n => n.Entities);
        return reply;
    });

    /// <summary>The coordinator is a cluster singleton: ask the members where it answers, oldest first (where it should be).</summary>
    private async Task<string> CoordinatorOf(string typeName, CancellationToken ct)
    {
        foreach (var member in Cluster.State.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering))
        {
            var path = new RootActorPath(member.Address) / "system" / "sharding" / $"{typeName}Coordinator" / "singleton" / "coordinator";
            try
            {
                var identity = await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(typeName), TimeSpan.FromSeconds(2), ct);
                if (identity.Subject is not null) return member.Address.ToString();
            }
            catch (AskTimeoutException)
            {
                // unreachable or slow: try the next member
            }
        }
        return "";
    }

    private static string Snake(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Writes this node's view of membership changes into a tail call's channel.</summary>
    private sealed class ClusterEventForwarder : ReceiveActor
    {
        private readonly ChannelWriter<AdminV1.ClusterEvent> _writer;

        public ClusterEventForwarder(ChannelWriter<AdminV1.ClusterEvent> writer)
        {
            _writer = writer;
            Receive<ClusterEvent.IMemberEvent>(e => Write(Snake(e.GetType().Name), e.Member.Address, e.Member.Status.ToString(), string.Join(",", e.Member.Roles)));
            Receive<ClusterEvent.UnreachableMember>(e => Write("unreachable", e.Member.Address, e.Member.Status.ToString(), ""));
            Receive<ClusterEvent.ReachableMember>(e => Write("reachable", e.Member.Address, e.Member.Status.ToString(), ""));
            Receive<ClusterEvent.LeaderChanged>(e => Write("leader_changed", e.Leader, "", ""));
            ReceiveAny(_ => { });
        }

        private void Write(string kind, Address? address, string status, string detail) =>
            _writer.TryWrite(new AdminV1.ClusterEvent
            {
                At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Kind = kind,
                Address = address?.ToString() ?? "", Status = Snake(status), Detail = detail,
            });

        protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

        protected override void PostStop()
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
            _writer.TryComplete();
        }
    }
}
