using System.ComponentModel;
using Orders.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Commands;

public sealed class ClusterShow : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings settings, CancellationToken ct)
    {
        var state = await Call(o => Node.Admin.ShowClusterAsync(new AdminV1.ShowClusterRequest(), o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(state); return; }
        var table = new Table().AddColumns("address", "status", "roles", "reachable", "leader", "oldest");
        foreach (var m in state.Members)
            table.AddRow(Session.Escape(m.Address) + (m.Self ? " [grey](this node)[/]" : ""), m.Status, Session.Escape(string.Join(",", m.Roles)),
                m.Reachable ? "yes" : "[red]NO[/]", m.Leader ? "leader" : "", m.Oldest ? "oldest" : "");
        Session.Console.Write(table);
        Session.Text($"{state.Members.Count} members, {state.Members.Count(m => m.Status == "up")} up, {state.Unreachable.Count} unreachable; leader {OrNone(state.Leader)}, oldest {OrNone(state.Oldest)}");
    }

    // A node still looking for its seed nodes has neither yet.
    private static string OrNone(string address) => address.Length == 0 ? "none" : address;
}

public sealed class ClusterTail : AdminCommand<NoSettings>
{
    protected override Task RunAsync(NoSettings settings, CancellationToken ct)
    {
        if (!Session.Json) Session.Text("membership events (Ctrl-C to stop):");
        var call = Node.Admin.TailCluster(new AdminV1.TailClusterRequest(), Node.Options(ct, stream: true));
        return ReadStream(call, e =>
        {
            if (Session.Json) Session.WriteJson(e);
            else Session.Text($"{Session.Clock(e.At)}  {e.Kind,-16} {e.Address}  {e.Status} {e.Detail}".TrimEnd());
        }, ct);
    }
}

public sealed class AddressSettings : CommandSettings
{
    [CommandArgument(0, "<address>")]
    [Description("a member's remoting address: host:port or akka.tcp://system@host:port")]
    public string Address { get; init; } = "";
}

public abstract class ClusterAction : AdminCommand<AddressSettings>
{
    protected abstract Task<AdminV1.ClusterActionReply> Act(AdminV1.MemberRequest request, Grpc.Core.CallOptions options);

    protected override async Task RunAsync(AddressSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Act(new AdminV1.MemberRequest { Address = settings.Address }, o), ct);
        if (Session.Json) Session.WriteJson(reply);
        else Session.Text(reply.Message);
    }
}

public sealed class ClusterJoin : ClusterAction
{
    protected override Task<AdminV1.ClusterActionReply> Act(AdminV1.MemberRequest r, Grpc.Core.CallOptions o) => Node.Admin.JoinClusterAsync(r, o).ResponseAsync;
}

public sealed class ClusterLeave : ClusterAction
{
    protected override Task<AdminV1.ClusterActionReply> Act(AdminV1.MemberRequest r, Grpc.Core.CallOptions o) => Node.Admin.LeaveClusterAsync(r, o).ResponseAsync;
}

public sealed class ClusterDown : ClusterAction
{
    protected override Task<AdminV1.ClusterActionReply> Act(AdminV1.MemberRequest r, Grpc.Core.CallOptions o) => Node.Admin.DownMemberAsync(r, o).ResponseAsync;
}

public sealed class ClusterDownUnreachable : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.DownUnreachableAsync(new AdminV1.DownUnreachableRequest(), o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        Session.Text(reply.Message);
        foreach (var address in reply.Affected) Session.Text($"  downed {address}");
    }
}

public sealed class HierarchySettings : CommandSettings
{
    [CommandArgument(0, "[path]")]
    [Description("where to start (default /user)")]
    public string? Path { get; init; }

    [CommandOption("--depth <N>")]
    [Description("levels below the path (default 2, at most 10)")]
    public int Depth { get; init; }
}

public sealed class ActorHierarchy : AdminCommand<HierarchySettings>
{
    protected override async Task RunAsync(HierarchySettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.ActorHierarchyAsync(new AdminV1.ActorHierarchyRequest { Path = settings.Path ?? "", Depth = settings.Depth }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        Session.Text(settings.Path ?? "/user");
        foreach (var actor in reply.Actors)
            Session.Text($"{new string(' ', actor.Depth * 2)}{actor.Path[(actor.Path.LastIndexOf('/') + 1)..]}");
        Session.Text($"{reply.Actors.Count} actors{(reply.Truncated ? " (list cut short; name a deeper path)" : "")}");
    }
}
