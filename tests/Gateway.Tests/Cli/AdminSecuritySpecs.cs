using Grpc.Core;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Gateway.Tests.Cli;

/// <summary>
/// A node bound beyond loopback (0.0.0.0) with an admin token: every admin call without it, or with a wrong one, is
/// refused (exit code 4, UNAUTHENTICATED) and changes nothing, while the public API keeps answering everyone.
/// </summary>
public sealed class AdminSecuritySpecs : IAsyncLifetime
{
    private const string AdminToken = "cli-admin-token-0123456789abcdef";
    private GatewayServer _server = null!;

    public async Task InitializeAsync() => _server = await GatewayServer.StartAsync(GatewayFixture.ScaledSeed(1.0), null,
        "--Gateway:BindAddress=0.0.0.0", $"--Orders:Admin:Token={AdminToken}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Node => _server.GrpcAddress;

    private static Metadata Operator => new() { { "authorization", $"Bearer {AdminToken}" } };

    [Fact]
    public async Task Without_the_token_or_with_a_wrong_one_nothing_is_read_and_nothing_changes()
    {
        var placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Hybrid));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        var id = placed.Order.OrderId;

        foreach (var token in new[] { null, "wrong-token-0123456789abcdefghij" })
        {
            string[][] attempts =
            [
                ["orders", "cancel", id], ["faults", "set", "email", "--outage", "10m"], ["stock", "set", "SKU-1", "3"],
                ["steps", "replay", "--all"], ["cluster", "down-unreachable"], ["orders", "list"], ["cluster", "show"], ["services", "show"],
            ];
            foreach (var args in attempts)
            {
                var refused = await OrdersCli.RunAsTokenHolderAsync(Node, token, args);
                Assert.True(refused.ExitCode == 4, $"{string.Join(' ', args)} with token {token ?? "(none)"}: {refused}");
                Assert.Matches(token is null ? "^orders: error: node .* wants the admin token" : "^orders: error: node .* refused the admin token", refused.Error.Trim());
                Assert.Equal("", refused.Out);
            }
        }

        // The public API still answers without any token, and nothing above took effect.
        Assert.Equal(OrderStatus.Completed, (await WaitForTerminalAsync(id)).Status);
        var faults = await OrdersCli.RunAsTokenHolderAsync(Node, AdminToken, "faults", "show", "--json");
        Assert.True(faults.ExitCode == 0, faults.ToString());
        Assert.All(faults.Json<AdminV1.FaultsReply>().Providers, p => Assert.Empty(p.Outages));
        var stock = (await OrdersCli.RunAsTokenHolderAsync(Node, AdminToken, "stock", "show", "SKU-1", "--json")).Json<AdminV1.StockReply>();
        Assert.True(stock.Available > 3, stock.ToString());
        var cluster = (await OrdersCli.RunAsTokenHolderAsync(Node, AdminToken, "cluster", "show", "--json")).Json<AdminV1.ClusterState>();
        Assert.Equal("up", Assert.Single(cluster.Members).Status);
    }

    private async Task<Order> WaitForTerminalAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var order = await _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = id }, Operator);
            if (order.Status is OrderStatus.Completed or OrderStatus.Cancelled || DateTime.UtcNow > deadline) return order;
            await Task.Delay(100);
        }
    }
}

/// <summary>A node allowed to listen beyond loopback without a token (Gateway:AllowInsecure) does not start its admin API at all.</summary>
public sealed class AdminApiWithoutTokenSpecs
{
    [Fact]
    public async Task A_non_loopback_node_without_a_token_says_so_at_start_and_offers_no_admin_api()
    {
        await using var server = await GatewayServer.StartAsync(null, null, "--Gateway:BindAddress=0.0.0.0", "--Gateway:AllowInsecure=true");
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("The admin API (orders.admin.v1.AdminService) is not started"));
        var refused = await OrdersCli.RunAsync(server.GrpcAddress, "cluster", "show");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("offers no admin API", refused.Error);
        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);
    }
}
