using System.Net.Http.Json;
using System.Text.Json;
using Directory = System.IO.Directory;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>What a restart must resume: the orders still running, not every order the node has ever settled.</summary>
public sealed class RecoverySpecs
{
    [Fact]
    public async Task A_restart_resumes_only_unsettled_orders_and_is_ready_once_they_have_replayed()
    {
        var database = GatewayServer.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var (grpcPort, httpPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        // Orders merely read stay a while; the ones that settle while running must leave at once.
        string[] settings = ["--Orders:SimulationProfile=instant", "--Orders:InitialStock:SKU-1=100000", "--Orders:Order:PassivateTerminalAfter=00:00:30"];
        const int settled = 200;

        await using (var first = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings))
        {
            await Parallel.ForAsync(0, settled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
            {
                var reply = await first.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
                Assert.Equal(OrderStatus.Completed, reply.Order.Status);
            });
            // An order answers Completed, then leaves memory and the remembered set: wait until none is left running.
            await Poll.UntilAsync(async () => (await OrdersCli.RunAsync(new Uri($"http://127.0.0.1:{grpcPort}"), "cluster-sharding", "region-stats", "order", "--json"))
                .Json<Contracts.Admin.V1.RegionStatsReply>(), r => r.TotalEntities == 0, "settled orders stayed in memory");
            await first.KillAsync();
        }

        await using var second = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings);
        var ready = await WaitReadyAsync(second.Http);
        Assert.True(ready.GetProperty("ordersStarted").GetInt64() < settled / 10,
            $"a restart after {settled} settled orders resumed {ready.GetProperty("ordersStarted")} of them");
        Assert.True(ready.GetProperty("ordersRecovering").GetInt32() <= 64);

        var order = await second.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, order.Order.Status);
    }

    private static async Task<JsonElement> WaitReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.IsSuccessStatusCode) return body.GetProperty("checks").GetProperty("ready").GetProperty("data");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not ready after 30 s: {body}");
            await Task.Delay(200);
        }
    }
}
