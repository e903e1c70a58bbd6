using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>Saturated, the gateway says so at once (RESOURCE_EXHAUSTED / 503) instead of queueing without bound.</summary>
public sealed class OverloadSpecs : IAsyncLifetime
{
    private GatewayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await GatewayServer.StartAsync(new SimulatedProviders(k => k == ProviderKind.Payment ? new SimulationSettings(1000) : SimulationSettings.Instant),
            null, "--Gateway:MaxInFlight=2");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Calls_beyond_the_in_flight_limit_are_refused_and_the_admitted_ones_finish()
    {
        var requests = Enumerable.Range(0, 8).Select(_ => GatewayServer.Order()).ToList();
        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            try
            {
                return (r.OrderId, Status: StatusCode.OK, Order: (await _server.Client.PlaceOrderAsync(r)).Order);
            }
            catch (RpcException e)
            {
                return (r.OrderId, Status: e.StatusCode, Order: (Order?)null);
            }
        }));

        Assert.Equal(2, outcomes.Count(o => o.Status == StatusCode.OK));
        Assert.Equal(6, outcomes.Count(o => o.Status == StatusCode.ResourceExhausted));
        Assert.All(outcomes.Where(o => o.Status == StatusCode.OK), o => Assert.Equal(OrderStatus.Confirmed, o.Order!.Status));
        foreach (var refused in outcomes.Where(o => o.Status == StatusCode.ResourceExhausted))
        {
            var lookup = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = refused.OrderId }).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
        }
    }

    [Fact]
    public async Task Rest_answers_503_with_retry_after_when_saturated()
    {
        object Body() => new { customer_email = "ada@example.com", items = new[] { new { sku = "SKU-1", quantity = 1, unit_price_minor = 1 } }, currency = "EUR", payment_token = "t" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _server.Http.PostAsJsonAsync("/v1/orders", Body())));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.All(refused, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.MediaType));
    }
}
