using System.Net.Sockets;
using System.Text;

namespace Orders.Bench.Chaos;

/// <summary>
/// Sends bytes to a port exactly as given, for requests no well-behaved client library would produce (a chunk size
/// that overflows, a Content-Length that lies) and returns the status line's code.
/// </summary>
public static class RawHttp
{
    public static async Task<int> SendAsync(Uri server, string request, TimeSpan? within = null)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Replace("\n", "\r\n")), timeout.Token);
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n"))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var statusLine = received.ToString().Split("\r\n")[0];
        var parts = statusLine.Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], out var code)
            ? code
            : throw new InvalidOperationException($"no HTTP status line in '{statusLine}'");
    }
}
