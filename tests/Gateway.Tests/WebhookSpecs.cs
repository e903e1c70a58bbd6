using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>The seed's webhooks: the callee calls the caller back, signed, retried, in order.</summary>
public sealed class WebhookSpecs : IAsyncLifetime
{
    private GatewayServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync("test-secret");
        _server = await GatewayServer.StartAsync(GatewayFixture.ScaledSeed());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Every_status_change_arrives_signed_in_order_and_a_500_is_retried()
    {
        _receiver.FailNext(2);
        var request = GatewayServer.Order(mode: ResponseMode.Accepted, callback: _receiver.Url.ToString());
        await _server.Client.PlaceOrderAsync(request);
        await _server.WaitForTerminalAsync(request.OrderId);

        await Poll.UntilAsync(() => Task.FromResult(_receiver.Accepted.Count(r => r.OrderId == request.OrderId)), n => n >= 4, "four notifications were not accepted");

        var deliveries = _receiver.All.Where(r => r.OrderId == request.OrderId).ToList();
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"bad signature on {d.DeliveryId}"));
        Assert.Equal(2, deliveries.Count(d => d.AnsweredWith == 500));
        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], deliveries.Where(d => d.AnsweredWith == 200).Select(d => d.Status));
        // The retried delivery kept its id, so the receiver can dedupe it.
        var first = deliveries.Where(d => d.Status == "payment_pending").Select(d => d.DeliveryId).Distinct();
        Assert.Equal([$"{request.OrderId}/notify-webhook:payment_pending"], first);

        // The receiver has a notification before the order hears its answer and records it.
        await Poll.UntilAsync(() => _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = request.OrderId }).ResponseAsync,
            o => o.Steps.Count(s => s.Name.StartsWith("notify-webhook") && s.State == StepStatus.Succeeded) == 4, "the order never recorded four delivered notifications");
    }

    [Fact]
    public async Task A_receiver_that_refuses_for_good_gets_the_notification_parked_not_the_order_undone()
    {
        var request = GatewayServer.Order(mode: ResponseMode.Sync, callback: new Uri(_receiver.Url, "/nowhere").ToString());
        var reply = await _server.Client.PlaceOrderAsync(request);
        Assert.Equal(OrderStatus.Completed, reply.Order.Status);

        Order order;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(50);
            order = await _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = request.OrderId });
        } while (!order.Steps.Any(s => s.State == StepStatus.Parked) && DateTime.UtcNow < deadline);

        var parked = Assert.Single(order.Steps, s => s.State == StepStatus.Parked);
        Assert.Equal("notify-webhook:payment_pending", parked.Name);
        Assert.Contains("404", parked.Detail);
        Assert.Equal(OrderStatus.Completed, order.Status);
    }
}
