using System.Diagnostics;
using System.Text;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Orders.Gateway.Tests.Cli;

/// <summary>
/// The interactive prompt driven through a real pseudo-terminal (util-linux `script`), keystroke by keystroke as a person
/// types: Tab completes a palette, a command and an order id fetched from the node; the up arrow recalls history.
/// </summary>
public sealed class PromptSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Up = "\u001b[A";
    private GatewayServer _server = null!;
    private string _history = null!;

    public async Task InitializeAsync()
    {
        _server = await GatewayServer.StartAsync();
        _history = Path.Combine(Path.GetDirectoryName(_server.DatabasePath)!, "orders_history");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Tab_completes_palettes_commands_and_order_ids_and_the_up_arrow_recalls_history()
    {
        var placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(id: "prompt-order-1", mode: ResponseMode.Sync));
        var node = $"127.0.0.1:{_server.GrpcAddress.Port}";
        // Order ids are completed from the order index, a projection that follows the events: wait until it has this one.
        await Poll.UntilAsync(() => _server.Client.ListOrdersAsync(new ListOrdersRequest()).ResponseAsync, l => l.Orders.Any(o => o.OrderId == "prompt-order-1"),
            "the order never reached the order index");

        await using (var terminal = await Terminal.StartAsync(node, _history, output))
        {
            await terminal.WaitForAsync($"[{node}] orders> ");
            await terminal.TypeAsync("clu\t");
            await terminal.WaitForAsync("orders> cluster");
            await terminal.TypeAsync("\t\t");
            await terminal.WaitForAsync("cluster  cluster-sharding");           // two candidates: listed on the second Tab
            await terminal.TypeAsync(" sh\t\r");
            await terminal.WaitForAsync("1 members, 1 up, 0 unreachable");
            await terminal.WaitForAsync("orders> ");

            await terminal.TypeAsync("ord\tsh\tprompt-o\t");
            await terminal.WaitForAsync("orders> orders show prompt-order-1 ");  // the id came from the node's order index
            await terminal.TypeAsync("\r");
            await terminal.WaitForAsync("version");
            await terminal.WaitForAsync("orders> ");

            await terminal.TypeAsync(Up + Up);
            await terminal.WaitForAsync("orders> cluster show");                 // two lines back
            await terminal.TypeAsync("\r");
            await terminal.WaitForAsync("1 members, 1 up, 0 unreachable");
            await terminal.TypeAsync("orders lsit\r");
            await terminal.WaitForAsync("did you mean 'list'?");
            await terminal.TypeAsync("exit\r");
            Assert.Equal(2, await terminal.ExitCodeAsync());                       // the last command's exit code
        }
        Assert.Equal(["cluster show", "orders show prompt-order-1", "cluster show", "orders lsit", "exit"], await File.ReadAllLinesAsync(_history));

        // A new session starts with the old history.
        await using (var terminal = await Terminal.StartAsync(node, _history, output))
        {
            await terminal.WaitForAsync("orders> ");
            await terminal.TypeAsync(Up + Up + Up);
            await terminal.WaitForAsync("orders> cluster show");
            await terminal.TypeAsync("\u0004");                                   // Ctrl-D on a non-empty line does nothing...
            await terminal.TypeAsync("\u0015\u0004");                             // ...on an empty one (Ctrl-U cleared it) it leaves
            Assert.Equal(0, await terminal.ExitCodeAsync());
        }
        Assert.Equal("prompt-order-1", placed.Order.OrderId);
    }

    /// <summary>The CLI on a pseudo-terminal: what it prints, as a terminal would receive it, and a way to type.</summary>
    private sealed class Terminal : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _screen = new();
        private readonly ITestOutputHelper _output;
        private int _searchFrom;

        private Terminal(Process process, ITestOutputHelper output)
        {
            _process = process;
            _output = output;
            _ = Task.Run(ReadAsync);
        }

        public static Task<Terminal> StartAsync(string node, string history, ITestOutputHelper output)
        {
            var command = $"dotnet '{OrdersCli.Dll}' --node {node}";
            var start = OrdersCli.StartInfo([]);
            start.FileName = "script";
            start.ArgumentList.Clear();
            foreach (var arg in (string[])["--quiet", "--flush", "--return", "--command", command, "/dev/null"]) start.ArgumentList.Add(arg);
            start.Environment["ORDERS_HISTORY"] = history;
            start.Environment["TERM"] = "xterm";
            return Task.FromResult(new Terminal(Process.Start(start)!, output));
        }

        private async Task ReadAsync()
        {
            var buffer = new char[4096];
            int read;
            while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
                lock (_screen) _screen.Append(buffer, 0, read);
        }

        private string Screen { get { lock (_screen) return _screen.ToString(); } }

        /// <summary>Waits until <paramref name="text"/> is printed after what the previous wait found.</summary>
        public async Task WaitForAsync(string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var screen = Screen;
                var at = screen.IndexOf(text, _searchFrom, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _searchFrom = at + text.Length;
                    return;
                }
                if (DateTime.UtcNow > deadline || _process.HasExited)
                    throw new TimeoutException($"'{text}' never appeared on the terminal:\n{screen[_searchFrom..]}");
                await Task.Delay(50);
            }
        }

        /// <summary>One key at a time, as typed.</summary>
        public async Task TypeAsync(string keys)
        {
            var escape = false;
            foreach (var key in keys)
            {
                await _process.StandardInput.WriteAsync(key);
                escape = key == '\u001b' || (escape && key == '[');
                if (escape) continue;                                 // an escape sequence goes out whole
                await _process.StandardInput.FlushAsync();
                await Task.Delay(30);
            }
        }

        public async Task<int> ExitCodeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _output.WriteLine(Screen);
            _process.Dispose();
        }
    }
}
