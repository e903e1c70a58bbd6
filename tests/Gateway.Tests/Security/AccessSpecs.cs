using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Grpc.Core;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Security;

/// <summary>
/// A node with an admin token: anyone may place an order; only the holder of an order's token (or an operator) may
/// read, watch or cancel it; listing orders and fault injection are operator actions. Refusals change nothing.
/// </summary>
public sealed class AccessSpecs : IAsyncLifetime
{
    private const string AdminToken = "test-admin-token-0123456789abcdef";
    private GatewayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await GatewayServer.StartAsync(GatewayFixture.ScaledSeed(1.0), null, $"--Orders:Admin:Token={AdminToken}"); // orders stay cancellable for a second

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    [Fact]
    public async Task An_order_is_shown_only_to_its_token_or_an_operator()
    {
        var placed = await _server.Client.PlaceOrderAsync(GatewayServer.Order());
        var other = await _server.Client.PlaceOrderAsync(GatewayServer.Order());
        Assert.StartsWith("ot_", placed.OrderToken);
        Assert.NotEqual(placed.OrderToken, other.OrderToken);
        var get = new GetOrderRequest { OrderId = placed.Order.OrderId };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetOrderAsync(get).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetOrderAsync(get, Bearer(other.OrderToken)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        Assert.Equal("ada@example.com", (await _server.Client.GetOrderAsync(get, Bearer(placed.OrderToken))).CustomerEmail);
        Assert.Equal(placed.Order.OrderId, (await _server.Client.GetOrderAsync(get, Bearer(AdminToken))).OrderId);

        // The same order placed again is the same order, with the same token.
        Assert.Equal(placed.OrderToken, (await _server.Client.PlaceOrderAsync(GatewayServer.Order(placed.Order.OrderId))).OrderToken);
    }

    [Fact]
    public async Task Cancelling_someone_elses_order_is_refused_and_changes_nothing()
    {
        var mine = await _server.Client.PlaceOrderAsync(GatewayServer.Order());
        var theirs = await _server.Client.PlaceOrderAsync(GatewayServer.Order());
        var cancel = new CancelOrderRequest { OrderId = theirs.Order.OrderId };

        var refused = await Assert.ThrowsAsync<RpcException>(() => _server.Client.CancelOrderAsync(cancel, Bearer(mine.OrderToken)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => _server.Client.CancelOrderAsync(cancel).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var final = await _server.Client.GetOrderAsync(new GetOrderRequest { OrderId = theirs.Order.OrderId }, Bearer(AdminToken));
        Assert.NotEqual(OrderStatus.Compensating, final.Status);
        Assert.NotEqual(OrderStatus.Cancelled, final.Status);

        var own = await _server.Client.CancelOrderAsync(new CancelOrderRequest { OrderId = mine.Order.OrderId }, Bearer(mine.OrderToken));
        Assert.Equal(OrderStatus.Compensating, own.Status);
    }

    [Fact]
    public async Task Listing_every_customers_orders_is_an_operator_action()
    {
        await _server.Client.PlaceOrderAsync(GatewayServer.Order());
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ListOrdersAsync(new ListOrdersRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        using var rest = await _server.Http.GetAsync("/v1/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Equal("Bearer", rest.Headers.WwwAuthenticate.Single().Scheme);
        await _server.Client.ListOrdersAsync(new ListOrdersRequest(), Bearer(AdminToken));
    }

    [Fact]
    public async Task Rest_reads_need_the_order_token_and_the_event_stream_takes_it_in_the_query()
    {
        var body = new { customer_email = "ada@example.com", currency = "EUR", payment_token = "tok_visa", mode = "accepted",
            items = new[] { new { sku = "SKU-1", quantity = 1, unit_price_minor = 100 } } };
        using var post = await _server.Http.PostAsJsonAsync("/v1/orders", body);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var placed = await post.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = placed.GetProperty("order_id").GetString()!;
        var token = placed.GetProperty("order_token").GetString()!;

        using (var anonymous = await _server.Http.GetAsync($"/v1/orders/{id}")) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/orders/{id}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } })
        using (var authorized = await _server.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
            Assert.DoesNotContain("order_token", await authorized.Content.ReadAsStringAsync());
        }
        using (var stream = await _server.Http.GetAsync($"/v1/orders/{id}/events", HttpCompletionOption.ResponseHeadersRead))
            Assert.Equal(HttpStatusCode.Unauthorized, stream.StatusCode);
        using (var stream = await _server.Http.GetAsync($"/v1/orders/{id}/events?order_token={token}", HttpCompletionOption.ResponseHeadersRead))
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
    }

    [Fact]
    public async Task Fault_injection_without_the_admin_token_is_refused_and_changes_nothing()
    {
        var before = _server.Providers.Simulations[Actors.Simulation.ProviderKind.Payment].Settings;
        using var anonymous = await _server.Http.PutAsync("/v1/simulations/payment", new StringContent("""{"latency_ms":10000}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Put, "/v1/simulations/payment")
        {
            Content = new StringContent("""{"latency_ms":10000}""", Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token") },
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Http.SendAsync(wrong)).StatusCode);
        Assert.Equal(before, _server.Providers.Simulations[Actors.Simulation.ProviderKind.Payment].Settings);
        using (var read = await _server.Http.GetAsync("/v1/simulations")) Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);

        using var admin = new HttpRequestMessage(HttpMethod.Put, "/v1/simulations/payment")
        {
            Content = new StringContent("""{"latency_ms":10}""", Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminToken) },
        };
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.SendAsync(admin)).StatusCode);
        Assert.Equal(10, _server.Providers.Simulations[Actors.Simulation.ProviderKind.Payment].Settings.LatencyMs);
    }
}
