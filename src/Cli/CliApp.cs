using Orders.Cli.Catalog;
using Orders.Cli.Commands;
using Orders.Cli.Connection;
using Orders.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orders.Cli;

/// <summary>Runs one command line against the session's node: help, "did you mean", then Spectre.Console.Cli, every failure one line on stderr.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, bool help, CancellationToken ct)
    {
        try
        {
            if (args.Count == 0 || args[0] == "help") return PrintHelp(args.Skip(1).FirstOrDefault());
            var palette = Palettes.Find(args[0]) ?? throw Unknown("palette", args[0], Palettes.All.Select(p => p.Name), "orders help");
            if (args.Count == 1 || args[1] == "help")
            {
                PrintPalette(palette);
                return args.Count == 1 && !help ? ExitCodes.Usage : ExitCodes.Ok;
            }
            if (palette.Commands.All(c => c.Name != args[1]))
                throw Unknown($"{palette.Name} command", args[1], palette.Commands.Select(c => c.Name), $"orders {palette.Name} help");
            return await Build().RunAsync(help ? [.. args, "--help"] : args, ct);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    private static UsageException Unknown(string what, string typed, IEnumerable<string> known, string list)
    {
        var nearest = Palettes.Nearest(typed, known);
        return new UsageException($"unknown {what} '{typed}'" + (nearest is null ? "" : $" (did you mean '{nearest}'?)") + $"; `{list}` lists them");
    }

    private static int Fail(Exception e)
    {
        var (code, message) = e switch
        {
            CliFailure f => (f.ExitCode, f.Message),
            UsageException u => (ExitCodes.Usage, u.Message),
            CommandAppException c => (ExitCodes.Usage, c.Message),
            OperationCanceledException => (ExitCodes.Failed, "cancelled"),
            _ => (ExitCodes.Failed, $"{e.GetType().Name}: {e.Message}"),
        };
        Console.Error.WriteLine($"orders: error: {message.ReplaceLineEndings(" ")}");
        return code;
    }

    private static CommandApp Build()
    {
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.Settings.ApplicationName = "orders";
            c.Settings.PropagateExceptions = true;
            c.Settings.Console = Session.Current.Console;
            c.AddBranch("cluster", b =>
            {
                b.AddCommand<ClusterShow>("show");
                b.AddCommand<ClusterTail>("tail");
                b.AddCommand<ClusterJoin>("join");
                b.AddCommand<ClusterLeave>("leave");
                b.AddCommand<ClusterDown>("down");
                b.AddCommand<ClusterDownUnreachable>("down-unreachable");
            });
            c.AddBranch("actor", b => b.AddCommand<ActorHierarchy>("hierarchy"));
            c.AddBranch("cluster-sharding", b =>
            {
                b.AddCommand<ShardRegions>("regions");
                b.AddCommand<RegionStats>("region-stats");
                b.AddCommand<ShardStats>("shard-stats");
            });
            c.AddBranch("orders", b =>
            {
                b.AddCommand<OrdersList>("list");
                b.AddCommand<OrdersShow>("show");
                b.AddCommand<OrdersTimeline>("timeline");
                b.AddCommand<OrdersWatch>("watch");
                b.AddCommand<OrdersCancel>("cancel");
            });
            c.AddBranch("steps", b =>
            {
                b.AddCommand<StepsParked>("parked");
                b.AddCommand<StepsRetrying>("retrying");
                b.AddCommand<StepsReplay>("replay");
                b.AddCommand<StepsTimeline>("timeline");
            });
            c.AddBranch("services", b => b.AddCommand<ServicesShow>("show"));
            c.AddBranch("faults", b =>
            {
                b.AddCommand<FaultsShow>("show");
                b.AddCommand<FaultsSet>("set");
                b.AddCommand<FaultsClear>("clear");
            });
            c.AddBranch("stock", b =>
            {
                b.AddCommand<StockShow>("show");
                b.AddCommand<StockSet>("set");
            });
            c.AddBranch("analytics", b =>
            {
                b.AddCommand<AnalyticsShow>("show");
                b.AddCommand<AnalyticsReplay>("replay");
            });
        });
        return app;
    }

    private static int PrintHelp(string? palette)
    {
        if (palette is not null)
        {
            PrintPalette(Palettes.Find(palette) ?? throw Unknown("palette", palette, Palettes.All.Select(p => p.Name), "orders help"));
            return ExitCodes.Ok;
        }
        var console = Session.Current.Console;
        console.WriteLine("usage: orders [--node host:port] [--token T] [--json] <palette> <command> [args]   (no command: interactive prompt)");
        var table = new Table().AddColumns("palette", "commands", "about");
        foreach (var p in Palettes.All) table.AddRow(p.Name, string.Join(" | ", p.Commands.Select(c => c.Name)), p.Description);
        console.Write(table);
        console.WriteLine($"--node defaults to ${GlobalOptions.NodeVariable} or {GlobalOptions.DefaultNode}; --token to ${GlobalOptions.TokenVariable}. `orders <palette> help` for a palette's commands.");
        console.WriteLine("exit codes: 0 done, 1 the node refused or failed, 2 usage, 3 node unreachable, 4 not authenticated");
        return ExitCodes.Ok;
    }

    private static void PrintPalette(Palette palette)
    {
        var table = new Table().AddColumns("command", "what it does");
        foreach (var c in palette.Commands) table.AddRow(Markup.Escape($"orders {c.Usage}"), Markup.Escape(c.Description));
        Session.Current.Console.Write(table);
    }
}
