using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>
/// PostgreSQL stopped under a node and started again: calls fail fast while it is away, the node serves again within
/// seconds of its return, and every order acknowledged before the outage completes.
/// </summary>
public sealed class DatabaseOutageSpecs
{
    [Fact]
    public async Task Calls_fail_fast_while_the_database_is_down_and_are_served_again_soon_after_it_returns()
    {
        using var postgres = ThrowawayPostgres.Start();
        // Slow enough fulfilment that orders are still running when the database goes away.
        var providers = new SimulatedProviders(kind => kind is ProviderKind.Warehouse or ProviderKind.Email ? new SimulationSettings(300) : SimulationSettings.Instant);
        await using var node = await GatewayServer.StartAsync(providers, null,
            "--Orders:Persistence:Provider=PostgreSql", $"--Orders:Persistence:ConnectionString={postgres.ConnectionString}");

        var acknowledged = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var reply = await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted));
            acknowledged.Add(reply.Order.OrderId);
        }
        postgres.Stop();

        var slowest = TimeSpan.Zero;
        var refused = 0;
        var outageEnds = DateTime.UtcNow.AddSeconds(6);
        using var calls = new HttpClient { BaseAddress = node.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < outageEnds)
        {
            var watch = Stopwatch.StartNew();
            using var response = await calls.PostAsJsonAsync("/v1/orders", RestOrder());
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            refused++;
            await Task.Delay(50);
        }
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a call during the outage took {slowest.TotalMilliseconds:0} ms");
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted)));
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);

        postgres.Resume();
        var back = Stopwatch.StartNew();
        while (true)
        {
            using var response = await calls.PostAsJsonAsync("/v1/orders", RestOrder());
            if (response.IsSuccessStatusCode) break;
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(5), $"still {(int)response.StatusCode} {back.Elapsed.TotalSeconds:0.0} s after the database returned");
            await Task.Delay(100);
        }
        var served = await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, served.Order.Status);
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(5), $"an order completed only {back.Elapsed.TotalSeconds:0.0} s after the database returned");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var id in acknowledged)
        {
            Order order;
            while ((order = await node.Client.GetOrderAsync(new GetOrderRequest { OrderId = id })).Status != OrderStatus.Completed && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.Equal(OrderStatus.Completed, order.Status);
        }
        Assert.True(refused > 10);
        Assert.Equal(0, providers.Payment.DuplicateCharges);
    }

    private static object RestOrder() => new
    {
        order_id = GatewayServer.NewId(),
        customer_email = "ada@example.com",
        items = new[] { new { sku = "SKU-1", quantity = 1, unit_price_minor = 1999 } },
        currency = "EUR",
        payment_token = "tok_visa",
        mode = "accepted",
    };
}
