using System.Text.RegularExpressions;
using Orders.Cli.Catalog;
using Orders.Cli.Output;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Interactive;

/// <summary>What may come next on a prompt line: palettes, then their commands, then the command's options and arguments (order ids from the node).</summary>
public sealed partial class Completer(Session session)
{
    private static readonly TimeSpan OrderIdsFreshFor = TimeSpan.FromSeconds(5);
    private static readonly string[] OrderIdCommands = ["orders show", "orders timeline", "orders watch", "orders cancel", "steps replay"];
    private static readonly string[] Providers = ["payment", "inventory", "warehouse", "email"];
    private static readonly string[] EntityTypes = ["order", "sku"];
    private static readonly string[] Global = ["--json", "--help"];

    private IReadOnlyList<string> _orderIds = [];
    private DateTime _orderIdsAt = DateTime.MinValue;

    /// <summary>Candidates for the word being typed at the end of <paramref name="before"/> (the text left of the cursor).</summary>
    public IReadOnlyList<string> Candidates(string before)
    {
        var words = Words.Split(before);
        if (before.Length == 0 || char.IsWhiteSpace(before[^1])) words.Add("");
        if (words.Count == 1) return [.. Palettes.All.Select(p => p.Name), "help", "exit", "quit"];
        var palette = Palettes.Find(words[0]);
        if (palette is null) return words[0] == "help" && words.Count == 2 ? Palettes.All.Select(p => p.Name).ToList() : [];
        if (words.Count == 2) return [.. palette.Commands.Select(c => c.Name), "help"];
        var command = palette.Commands.FirstOrDefault(c => c.Name == words[1]);
        if (command is null) return [];
        if (words[^1].StartsWith('-')) return [.. OptionsOf(command), .. Global];
        var argument = words.Skip(2).SkipLast(1).Count(w => !w.StartsWith('-'));
        var key = $"{palette.Name} {command.Name}";
        return key switch
        {
            _ when OrderIdCommands.Contains(key) && argument == 0 => OrderIds(),
            "faults set" or "faults clear" when argument == 0 => Providers,
            "cluster-sharding region-stats" or "cluster-sharding shard-stats" when argument == 0 => EntityTypes,
            _ => [],
        };
    }

    private static IEnumerable<string> OptionsOf(CommandInfo command) => OptionPattern().Matches(command.Usage).Select(m => m.Value).Distinct();

    /// <summary>Recent order ids from the node's order index, asked again at most every few seconds so Tab stays quick.</summary>
    private IReadOnlyList<string> OrderIds()
    {
        if (DateTime.UtcNow - _orderIdsAt < OrderIdsFreshFor) return _orderIds;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var reply = session.Node.Admin.ListOrders(new AdminV1.ListOrdersRequest { PageSize = 200 }, session.Node.Options(timeout.Token));
            _orderIds = reply.Orders.Select(o => o.OrderId).ToList();
        }
        catch (Exception)
        {
            // Completion is a convenience: an unreachable node shows its error when a command runs, not on Tab.
            _orderIds = [];
        }
        _orderIdsAt = DateTime.UtcNow;
        return _orderIds;
    }

    [GeneratedRegex("--[a-z][a-z-]*")]
    private static partial Regex OptionPattern();
}
