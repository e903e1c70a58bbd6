using Orders.Cli.Connection;
using Orders.Cli.Output;

namespace Orders.Cli.Interactive;

/// <summary>
/// `orders --node host:port` with no command: a prompt (`[host:port] orders>`) that runs one command per line against the
/// same node, with history and tab completion. Ctrl-C stops the running command (a tail, a watch, a replay), not the prompt.
/// </summary>
public sealed class Prompt(Session session)
{
    public async Task<int> RunAsync()
    {
        var interactive = !Console.IsInputRedirected;
        var history = new History(interactive ? History.DefaultFile : null);
        var editor = new LineEditor(new Completer(session).Candidates, history);
        var prompt = $"[{session.Node.Node}] orders> ";
        var defaults = session.Options;
        var last = ExitCodes.Ok;
        if (interactive) Console.WriteLine($"connected to {session.Node.Node}; `help` lists the palettes, Tab completes, Ctrl-D or `exit` leaves");

        CancellationTokenSource? running = null;
        Console.CancelKeyPress += (_, e) =>
        {
            if (running is null) return;
            e.Cancel = true;
            running.Cancel();
        };

        while (true)
        {
            string? line;
            if (interactive)
            {
                Console.TreatControlCAsInput = true;
                try { line = editor.ReadLine(prompt); }
                finally { Console.TreatControlCAsInput = false; }
            }
            else
            {
                line = Console.ReadLine();
            }
            if (line is null) return last;
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            history.Add(line);
            if (line is "exit" or "quit") return last;

            List<string> words;
            try
            {
                var (options, rest) = GlobalOptions.Extract(Words.Split(line), defaults);
                if (options.Node != defaults.Node || options.Token != defaults.Token)
                    throw new UsageException("--node and --token are fixed for the prompt; start `orders --node ...` again to talk to another node");
                session.Options = options;
                words = rest;
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"orders: error: {e.Message}");
                last = ExitCodes.Usage;
                continue;
            }

            using (running = new CancellationTokenSource())
            {
                last = await CliApp.RunAsync(words.Count == 0 ? ["help"] : words, session.Options.Help, running.Token);
            }
            running = null;
            session.Options = defaults;
        }
    }
}
