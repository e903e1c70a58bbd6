using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Google.Rpc;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>
/// Bulkheads for callbacks: orders whose receiver is dead trip that receiver's supervisor only, and a healthy receiver
/// keeps getting its notifications as fast as before. And no callback may point at the node's own endpoints.
/// </summary>
public sealed class WebhookBulkheadSpecs : IAsyncLifetime
{
    private GatewayServer _server = null!;
    private WebhookReceiver _healthy = null!;

    public async Task InitializeAsync()
    {
        _healthy = await WebhookReceiver.StartAsync("test-secret");
        // The breaker's back-off is long here on purpose: if the dead receiver's trip spilled over, it would show.
        _server = await GatewayServer.StartAsync(SimulatedProvidersInstant(), null, "--Orders:Supervision:MinBackoff=00:00:20", "--Orders:Supervision:MaxBackoff=00:00:20");
    }

    private static Actors.Simulation.SimulatedProviders SimulatedProvidersInstant() => Actors.Simulation.SimulatedProviders.Instant();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _healthy.DisposeAsync();
    }

    [Fact]
    public async Task A_dead_receiver_backs_off_alone_and_a_healthy_one_is_not_delayed()
    {
        var dead = $"http://127.0.0.1:{GatewayProcess.FreePort()}/hooks";
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _server.Client.PlaceOrderAsync(GatewayServer.Order(callback: dead)).ResponseAsync));
        // The dead destination fails its calls in a row and trips: the webhook service reports it backing off.
        await Poll.UntilAsync(async () => (await OrdersCli.RunAsync(_server.GrpcAddress, "services", "show", "--json")).Json<Contracts.Admin.V1.ShowServicesReply>(),
            s => s.Services.Any(h => h.Service == "webhook" && h.State == "backing_off"), "the dead destination never tripped");

        var request = GatewayServer.Order(mode: ResponseMode.Sync, callback: _healthy.Url.ToString());
        await _server.Client.PlaceOrderAsync(request);
        await Poll.UntilAsync(() => Task.FromResult(_healthy.Accepted.Count(r => r.OrderId == request.OrderId)), n => n >= 4,
            "the healthy receiver did not get its four notifications", TimeSpan.FromSeconds(10));

        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], _healthy.Accepted.Where(r => r.OrderId == request.OrderId).Select(r => r.Status));
    }

    [Fact]
    public async Task A_callback_to_the_nodes_own_endpoints_is_refused()
    {
        foreach (var own in new[] { new Uri(_server.HttpAddress, "/v1/orders"), new Uri(_server.GrpcAddress, "/orders.v1.OrderService/PlaceOrder"),
                     new Uri($"http://localhost:{_server.HttpAddress.Port}/v1/simulations/payment") })
        {
            var request = GatewayServer.Order(callback: own.ToString());
            var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client.PlaceOrderAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("callback_url", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
        }
    }
}
