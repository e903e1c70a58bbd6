using System.Net;
using System.Net.Sockets;

namespace Orders.Bench.Target;

/// <summary>
/// Ports for servers started later (a node's remoting, gRPC and HTTP, a PostgreSQL), for the bench and the tests (which
/// link this file). Not the kernel's "port 0" pick: that comes from the ephemeral range, from which every outgoing
/// connection on the machine also takes its local port, so another client could take it before the server binds it.
/// These come from below that range (Linux's starts at 32768), each process from its own stretch.
/// </summary>
public static class ListeningPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;
    private static int _next = Environment.ProcessId * 397 % Count;

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
