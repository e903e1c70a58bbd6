using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>
/// One spelling per face: REST and webhooks say "payment_pending", "succeeded", a nested total; gRPC says
/// ORDER_STATUS_PAYMENT_PENDING and STEP_STATUS_SUCCEEDED, error texts included. And the catalogue is known:
/// an order for a SKU that was never stocked is refused before anyone is charged.
/// </summary>
public sealed class VocabularySpecs : IAsyncLifetime
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
    public async Task Rest_and_webhooks_spell_every_status_in_lower_snake_case_and_nest_the_total()
    {
        var request = GatewayServer.Order(mode: ResponseMode.Sync, callback: _receiver.Url.ToString());
        await _server.Client.PlaceOrderAsync(request);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_receiver.Accepted.Count(r => r.OrderId == request.OrderId) < 4 && DateTime.UtcNow < deadline) await Task.Delay(50);

        using var rest = JsonDocument.Parse(await _server.Http.GetStringAsync($"/v1/orders/{request.OrderId}"));
        var order = rest.RootElement;
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal("sync", order.GetProperty("mode").GetString());
        var steps = order.GetProperty("steps").EnumerateArray().ToList();
        Assert.All(steps, s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));
        Assert.Contains(steps, s => s.GetProperty("name").GetString() == "notify-webhook:payment_pending");

        var hooks = _receiver.Accepted.Where(r => r.OrderId == request.OrderId).ToList();
        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], hooks.Select(h => h.Status));
        using var body = JsonDocument.Parse(hooks[0].Body);
        Assert.Equal(1999, body.RootElement.GetProperty("total").GetProperty("amount_minor").GetInt64());
        Assert.Equal("EUR", body.RootElement.GetProperty("total").GetProperty("currency").GetString());
        Assert.False(body.RootElement.TryGetProperty("total_minor", out _));
        Assert.Equal($"{request.OrderId}/notify-webhook:payment_pending", hooks[0].DeliveryId);
    }

    [Fact]
    public async Task Each_face_names_the_status_in_its_own_spelling_in_error_texts()
    {
        var done = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.All(done.Order.Steps, s => Assert.Equal(StepStatus.Succeeded, s.State));

        var grpc = await Assert.ThrowsAsync<RpcException>(() => _server.Client.CancelOrderAsync(new CancelOrderRequest { OrderId = done.Order.OrderId }).ResponseAsync);
        Assert.Contains("is ORDER_STATUS_COMPLETED:", grpc.Status.Detail);

        using var rest = await _server.Http.PostAsync($"/v1/orders/{done.Order.OrderId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, rest.StatusCode);
        var detail = JsonDocument.Parse(await rest.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("is completed:", detail);
        Assert.DoesNotContain("Completed", detail);

        var badMode = await _server.Http.PostAsJsonAsync("/v1/orders", new { customer_email = "ada@example.com", currency = "EUR", payment_token = "t", mode = "later",
            items = new[] { new { sku = "SKU-1", quantity = 1, unit_price_minor = 1 } } });
        Assert.Contains("hybrid, sync, accepted", await badMode.Content.ReadAsStringAsync());
        var grpcMode = GatewayServer.Order();
        grpcMode.Mode = (ResponseMode)42;
        var modeError = await Assert.ThrowsAsync<RpcException>(() => _server.Client.PlaceOrderAsync(grpcMode).ResponseAsync);
        Assert.Contains("RESPONSE_MODE_HYBRID", modeError.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Description);
    }

    [Fact]
    public async Task An_order_for_a_sku_never_stocked_is_refused_naming_the_item_and_nothing_is_charged()
    {
        var request = GatewayServer.Order(sku: "NEVER-STOCKED");
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("items[0].sku", violation.Field);
        Assert.Contains("NEVER-STOCKED", violation.Description);
        Assert.Equal(0, _server.Providers.Payment.AuthorizeCalls);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = request.OrderId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Inventory_says_what_it_counts_and_an_unknown_sku_is_404()
    {
        var placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync, quantity: 3));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);

        using var level = JsonDocument.Parse(await _server.Http.GetStringAsync("/v1/inventory/SKU-1"));
        Assert.Equal(["sku", "available", "allocated", "allocating_orders"], level.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(level.RootElement.GetProperty("allocated").GetInt64() >= 3);

        using var unknown = await _server.Http.GetAsync("/v1/inventory/NEVER-STOCKED");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
    }
}
