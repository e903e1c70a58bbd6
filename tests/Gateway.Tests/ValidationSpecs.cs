using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>Bad input gets a clear error naming every bad field, on both faces, and changes nothing.</summary>
public sealed class ValidationSpecs(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayServer Server => fixture.Server;

    public static TheoryData<string, string> InvalidRequests => new()
    {
        { "no items", "items" },
        { "too many items", "items" },
        { "zero quantity", "items[0].quantity" },
        { "huge quantity", "items[0].quantity" },
        { "negative price", "items[0].unit_price_minor" },
        { "bad sku", "items[0].sku" },
        { "bad order id", "order_id" },
        { "long order id", "order_id" },
        { "bad currency", "currency" },
        { "bad email", "customer_email" },
        { "no payment token", "payment_token" },
        { "relative callback", "callback_url" },
        { "ftp callback", "callback_url" },
        { "callback with credentials", "callback_url" },
        { "callback off the allowlist", "callback_url" },
        { "unknown mode", "mode" },
    };

    private static PlaceOrderRequest Broken(string what, string id)
    {
        var r = GatewayServer.Order(id);
        switch (what)
        {
            case "no items": r.Items.Clear(); break;
            case "too many items": r.Items.AddRange(Enumerable.Range(0, 100).Select(i => new OrderItem { Sku = $"S{i}", Quantity = 1 })); break;
            case "zero quantity": r.Items[0].Quantity = 0; break;
            case "huge quantity": r.Items[0].Quantity = 1001; break;
            case "negative price": r.Items[0].UnitPriceMinor = -1; break;
            case "bad sku": r.Items[0].Sku = "no spaces allowed"; break;
            case "bad order id": r.OrderId = "bad id!"; break;
            case "long order id": r.OrderId = new string('a', 65); break;
            case "bad currency": r.Currency = "euro"; break;
            case "bad email": r.CustomerEmail = "ada-at-example.com"; break;
            case "no payment token": r.PaymentToken = ""; break;
            case "relative callback": r.CallbackUrl = "/hooks"; break;
            case "ftp callback": r.CallbackUrl = "ftp://127.0.0.1/hooks"; break;
            case "callback with credentials": r.CallbackUrl = "http://user:pw@127.0.0.1/hooks"; break;
            case "callback off the allowlist": r.CallbackUrl = "http://169.254.169.254/latest/meta-data"; break;
            case "unknown mode": r.Mode = (ResponseMode)42; break;
        }
        return r;
    }

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Grpc_rejects_with_invalid_argument_naming_the_field_and_persists_nothing(string what, string field)
    {
        var id = GatewayServer.NewId();
        var error = await Assert.ThrowsAsync<RpcException>(() => Server.Client.PlaceOrderAsync(Broken(what, id)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field && v.Description.Length > 0);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => Server.Client.GetOrderAsync(new GetOrderRequest { OrderId = id }).ResponseAsync);
        Assert.True(lookup.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once()
    {
        var request = GatewayServer.Order();
        request.Currency = "x";
        request.CustomerEmail = "nope";
        request.Items[0].Quantity = -5;
        var error = await Assert.ThrowsAsync<RpcException>(() => Server.Client.PlaceOrderAsync(request).ResponseAsync);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(["currency", "customer_email", "items[0].quantity"], fields.Order());
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_by_the_transport()
    {
        var request = GatewayServer.Order();
        request.PaymentToken = new string('x', 70_000);
        var error = await Assert.ThrowsAsync<RpcException>(() => Server.Client.PlaceOrderAsync(request).ResponseAsync);
        // Normally RESOURCE_EXHAUSTED; when the server refuses before the client finished sending, HTTP/2 resets the stream instead.
        Assert.Contains(error.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Unknown, StatusCode.Internal });
        var lookup = await Assert.ThrowsAsync<RpcException>(() => Server.Client.GetOrderAsync(new GetOrderRequest { OrderId = request.OrderId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    public static TheoryData<string, string> InvalidRestBodies => new()
    {
        { """{"customer_email":"ada@example.com","items":[],"currency":"EUR","payment_token":"t"}""", "items" },
        { """{"customer_email":"ada@example.com","items":[{"sku":"A","quantity":0,"unit_price_minor":1}],"currency":"EUR","payment_token":"t"}""", "items[0].quantity" },
        { """{"customer_email":"ada@example.com","items":[{"sku":"A","quantity":1,"unit_price_minor":1}],"currency":"EUR","payment_token":"t","mode":"later"}""", "mode" },
        { """{"customer_email":"ada@example.com","items":[{"sku":"A","quantity":"many"}]}""", "items[0].quantity" },
        { """not json""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidRestBodies))]
    public async Task Rest_rejects_with_400_problem_json_listing_the_field(string body, string field)
    {
        var response = await Server.Http.PostAsync("/v1/orders", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(problem.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    [Fact]
    public async Task Rest_unknown_order_is_404_problem_json()
    {
        var response = await Server.Http.GetAsync("/v1/orders/never-placed");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Rest_conflicting_body_is_409()
    {
        var id = GatewayServer.NewId();
        object Body(int quantity) => new { order_id = id, customer_email = "ada@example.com", items = new[] { new { sku = "SKU-1", quantity, unit_price_minor = 100 } }, currency = "EUR", payment_token = "tok" };
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.PostAsJsonAsync("/v1/orders", Body(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Server.Http.PostAsJsonAsync("/v1/orders", Body(2))).StatusCode);
    }
}
