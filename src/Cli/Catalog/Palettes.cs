namespace Orders.Cli.Catalog;

public sealed record CommandInfo(string Name, string Usage, string Description);

public sealed record Palette(string Name, string Description, IReadOnlyList<CommandInfo> Commands);

/// <summary>
/// Every palette and command the CLI has: the one list that help, the "did you mean" of an unknown command and the
/// interactive prompt's tab completion are made from (Petabridge.Cmd's palette names where pbm has them).
/// </summary>
public static class Palettes
{
    public static readonly IReadOnlyList<Palette> All =
    [
        new("cluster", "cluster membership", [
            new("show", "cluster show", "members with roles, status and reachability; the leader and the oldest"),
            new("tail", "cluster tail", "membership events as they happen, until Ctrl-C"),
            new("join", "cluster join <host:port>", "make this node join the member at that address"),
            new("leave", "cluster leave <host:port>", "a member leaves gracefully: its shards move first"),
            new("down", "cluster down <host:port>", "mark a member down (it is removed without a handover)"),
            new("down-unreachable", "cluster down-unreachable", "down every member this node sees as unreachable"),
        ]),
        new("actor", "the actors of the node", [
            new("hierarchy", "actor hierarchy [path] [--depth N]", "the actor tree under a path (default /user, depth 2)"),
        ]),
        new("cluster-sharding", "shards and entities", [
            new("regions", "cluster-sharding regions", "the entity types of this node with its shards and entities"),
            new("region-stats", "cluster-sharding region-stats <type>", "shards and entities per node for one type (order, sku), and the coordinator"),
            new("shard-stats", "cluster-sharding shard-stats <type>", "entities per shard, per node"),
        ]),
        new("orders", "orders", [
            new("list", "orders list [--status S] [--retrying] [--parked] [--limit N] [--page-token T]", "orders from the order index"),
            new("show", "orders show <id>", "one order with each step's attempts and times"),
            new("timeline", "orders timeline <id>", "one order's whole story in time order"),
            new("watch", "orders watch <id>", "status changes of one order as they happen, until it is final or Ctrl-C"),
            new("cancel", "orders cancel <id> [--reason R]", "cancel a confirmed order (compensation runs)"),
        ]),
        new("steps", "parked and retrying steps across all orders and other workflows", [
            new("parked", "steps parked [--group G] [--workflow W] [--limit N]", "parked steps, grouped by workflow, step kind and error"),
            new("retrying", "steps retrying [--group G] [--workflow W] [--limit N]", "steps whose last delivery failed and that will be redelivered"),
            new("replay", "steps replay <order-id> [--workflow W] | --group G | --all [--dry-run]", "put parked steps back into delivery"),
            new("timeline", "steps timeline <instance-id> [--workflow W]", "one instance's story in time order (for orders, as orders timeline)"),
        ]),
        new("services", "supervised providers", [
            new("show", "services show", "each supervised provider: healthy or backing off, restarts, failures, last error"),
        ]),
        new("faults", "fault injection into the simulated providers", [
            new("show", "faults show", "latency, error rate, slowness and outages of each simulated provider"),
            new("set", "faults set <provider> [--latency ms] [--jitter ms] [--error-rate r] [--outage 30s] [--slow ms]", "inject a fault"),
            new("clear", "faults clear [provider]", "back to the node's simulation profile"),
        ]),
        new("stock", "stock per SKU", [
            new("show", "stock show <sku>", "units available and allocated"),
            new("set", "stock set <sku> <units>", "set the units available"),
        ]),
        new("analytics", "the analytics projection", [
            new("show", "analytics show", "figures from the order event stream and its offset"),
            new("replay", "analytics replay --from <offset>", "recount from an offset of the event stream (0: from the start)"),
        ]),
    ];

    public static Palette? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>The closest of <paramref name="candidates"/> to a mistyped name, if any is close enough to be what was meant.</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Distance(typed, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is not null && (best.Distance <= Math.Max(2, typed.Length / 3) || best.Name.StartsWith(typed, StringComparison.Ordinal)) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
