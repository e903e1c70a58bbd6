using Orders.Cli;
using Orders.Cli.Connection;
using Orders.Cli.Interactive;
using Orders.Cli.Output;
using Spectre.Console;

// orders [--node host:port] [--token T] [--json] <palette> <command> [args]; no command opens the interactive prompt.
GlobalOptions options;
List<string> rest;
try
{
    (options, rest) = GlobalOptions.Extract(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"orders: error: {e.Message}");
    return ExitCodes.Usage;
}

var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
if (Console.IsOutputRedirected) console.Profile.Width = 250; // scripts and tests read whole rows, not wrapped ones

NodeConnection node;
try
{
    node = new NodeConnection(options.Node, options.Token);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"orders: error: {e.Message}");
    return ExitCodes.Usage;
}

using (node)
{
    Session.Current = new Session(node, options, console);
    if (rest.Count == 0 && !options.Help) return await new Prompt(Session.Current).RunAsync();
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await CliApp.RunAsync(rest, options.Help, cancel.Token);
}
