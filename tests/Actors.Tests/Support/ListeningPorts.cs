using System.Net;
using System.Net.Sockets;

namespace Orders.Actors.Tests.Support;

/// <summary>
/// Ports for servers a test starts later (a node's remoting, gRPC and HTTP, a PostgreSQL). Not the kernel's "port 0"
/// pick: that comes from the ephemeral range, from which every outgoing connection on the machine also takes its local
/// port, so on a busy run another test's client could take it before the server binds it (seen: a node whose remoting
/// could not bind terminated while starting). These come from below that range, each process from its own stretch.
/// </summary>
public static class ListeningPorts
{
    private const int First = 20_000;
    private const int Count = 12_000; // below 32768, where Linux's ephemeral range starts
    // Half a range away from where the bench's NodeProcess starts in the same process (the Gateway specs run the bench).
    private static int _next = (Environment.ProcessId * 397 + Count / 2) % Count;

    public static int Free()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + Interlocked.Increment(ref _next) % Count;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: the next one
            }
        }
        throw new InvalidOperationException($"no free port between {First} and {First + Count}");
    }
}
