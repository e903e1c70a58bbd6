using Directory = System.IO.Directory;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>A gateway killed with SIGKILL and started again as a new process on the same database: nothing acknowledged is lost.</summary>
public sealed class RestartSpecs
{
    [Fact]
    public async Task Orders_and_pending_webhooks_carry_on_in_a_new_process()
    {
        var database = GatewayServer.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        await using var receiver = await WebhookReceiver.StartAsync("test-secret");
        receiver.FailNext(int.MaxValue); // the customer's endpoint is down while the first process runs
        var (grpcPort, httpPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        string[] settings = ["--Orders:SimulationProfile=seed", "--Orders:InitialStock:SKU-1=1000"];

        var ids = new List<string>();
        await using (var first = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings))
        {
            for (var i = 0; i < 5; i++)
            {
                var request = GatewayServer.Order(mode: ResponseMode.Accepted, callback: receiver.Url.ToString());
                var reply = await first.Client.PlaceOrderAsync(request);
                Assert.Equal(OrderStatus.PaymentPending, reply.Order.Status);
                ids.Add(request.OrderId);
            }
            // Deliveries were attempted and failed (they go out after the answer, so wait for the first).
            await Poll.UntilAsync(() => Task.FromResult(receiver.All.Count(r => r.AnsweredWith == 500)), n => n > 0, "no delivery was attempted");
            await first.KillAsync();
        }

        receiver.FailNext(0);
        await using var second = await GatewayProcess.StartAsync(database, grpcPort, httpPort, settings);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !ids.All(id => receiver.Accepted.Count(r => r.OrderId == id) == 4))
            await Task.Delay(200);

        foreach (var id in ids)
        {
            var order = await second.Client.GetOrderAsync(new GetOrderRequest { OrderId = id });
            Assert.Equal(OrderStatus.Completed, order.Status);
            Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], receiver.Accepted.Where(r => r.OrderId == id).Select(r => r.Status));
        }
        Assert.All(receiver.All, r => Assert.True(r.SignatureValid));
    }
}
