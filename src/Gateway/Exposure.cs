using System.Net;
using Orders.Actors.Hosting;
using Orders.Actors.Services;
using Orders.Gateway.Application;
using Orders.Gateway.Security;
using Orders.Actors.Providers;

namespace Orders.Gateway;

/// <summary>
/// What a node may open to the network. On loopback anything goes; beyond it, the node refuses to start unless
/// operators are authenticated (Orders:Admin:Token), webhooks are signed with a real secret, and Akka remoting is
/// mutually authenticated - or an operator explicitly allows it (Gateway:AllowInsecure), which is logged at every start.
/// </summary>
public static class Exposure
{
    /// <summary>Warnings to log at start; throws when the node must not start as configured.</summary>
    public static IReadOnlyList<string> Check(GatewayOptions gateway, AdminOptions admin, OrderSystemOptions orders)
    {
        if (!IPAddress.TryParse(gateway.BindAddress, out var bind))
            throw new InvalidOperationException($"Gateway:BindAddress must be an IP address such as 127.0.0.1, not '{gateway.BindAddress}'");
        var problems = new List<string>();
        var httpExposed = !IPAddress.IsLoopback(bind);
        if (httpExposed)
        {
            if (!admin.HasToken)
                problems.Add($"Orders:Admin:Token is not set, so nobody could be authenticated as an operator (use a random string of {AdminOptions.MinimumTokenLength}+ characters)");
            else if (admin.Token!.Length < AdminOptions.MinimumTokenLength)
                problems.Add($"Orders:Admin:Token is shorter than {AdminOptions.MinimumTokenLength} characters");
            if (string.IsNullOrEmpty(orders.Webhooks.Secret) || orders.Webhooks.Secret == WebhookSettings.DevelopmentSecret)
                problems.Add("Orders:Webhooks:Secret is the development secret, which anyone can read in the source; receivers could not trust a signature");
        }
        var remotingExposed = !IsLoopbackHost(orders.Node.Hostname);
        if (remotingExposed && !orders.Node.Tls.Enabled)
            problems.Add($"Akka remoting would listen on {orders.Node.Hostname} and accept any peer: set Orders:Node:Tls:CertificatePath (mutual TLS between the nodes)");

        var warnings = new List<string>();
        if (problems.Count > 0)
        {
            var what = httpExposed ? $"listen on {gateway.BindAddress}" : $"open Akka remoting on {orders.Node.Hostname}";
            if (!gateway.AllowInsecure)
                throw new InvalidOperationException($"refusing to {what}, beyond loopback: {string.Join("; ", problems)}. " +
                    "Fix that, or start with --Gateway:AllowInsecure=true on a network you trust entirely (never in production).");
            warnings.Add($"INSECURE (Gateway:AllowInsecure): this node will {what} although {string.Join("; ", problems)}");
        }
        if (httpExposed && !gateway.Tls.Enabled)
            warnings.Add($"listening on {gateway.BindAddress} without TLS: bearer tokens cross the network in clear text (set Gateway:Tls:CertificatePath)");
        return warnings;
    }

    /// <summary>
    /// The admin API runs on loopback, or beyond it only with a token: a node allowed to start insecurely
    /// (Gateway:AllowInsecure) still never offers its operator actions to the network unauthenticated.
    /// </summary>
    public static bool AdminApiAllowed(GatewayOptions gateway, AdminOptions admin) =>
        admin.HasToken || IsLoopbackHost(gateway.BindAddress);

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
