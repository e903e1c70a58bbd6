using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Commands;

public sealed class ShardRegions : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.ShardRegionsAsync(new AdminV1.ShardRegionsRequest(), o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        var table = new Table().AddColumns("type", "shards", "entities");
        foreach (var r in reply.Regions) table.AddRow(r.TypeName, r.Shards.ToString(), r.Entities.ToString());
        Session.Console.Write(table);
        Session.Text($"on {reply.Node}");
    }
}

public sealed class TypeSettings : CommandSettings
{
    [CommandArgument(0, "<type>")]
    [Description("entity type: order or sku")]
    public string Type { get; init; } = "";
}

public sealed class RegionStats : AdminCommand<TypeSettings>
{
    protected override async Task RunAsync(TypeSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.RegionStatsAsync(new AdminV1.RegionStatsRequest { TypeName = settings.Type }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        var table = new Table().AddColumns("node", "shards", "entities");
        foreach (var n in reply.Nodes) table.AddRow(Markup.Escape(n.Node) + (n.Node == reply.Coordinator ? " [grey](coordinator)[/]" : ""), n.Shards.ToString(), n.Entities.ToString());
        Session.Console.Write(table);
        Session.Text($"{reply.TypeName}: {reply.TotalShards} shards, {reply.TotalEntities} entities on {reply.Nodes.Count} nodes; coordinator on {(reply.Coordinator == "" ? "(not found)" : reply.Coordinator)}");
        foreach (var failed in reply.Failed) Session.Text($"  did not answer: {failed}");
    }
}

public sealed class ShardStats : AdminCommand<TypeSettings>
{
    protected override async Task RunAsync(TypeSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.RegionStatsAsync(new AdminV1.RegionStatsRequest { TypeName = settings.Type, WithShards = true }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        var table = new Table().AddColumns("node", "shard", "entities");
        foreach (var n in reply.Nodes)
            foreach (var (shard, entities) in n.EntitiesByShard.OrderBy(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(n.Node), shard, entities.ToString());
        Session.Console.Write(table);
        Session.Text($"{reply.TypeName}: {reply.TotalShards} shards, {reply.TotalEntities} entities; coordinator on {reply.Coordinator}");
    }
}
