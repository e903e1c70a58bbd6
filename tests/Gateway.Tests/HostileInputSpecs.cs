using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Orders.Bench.Chaos;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>
/// The reproducers of the hardening report, each as found against the node: money that overflowed and was paid,
/// patterns that let a trailing newline through, a fault injection that broke every payment, malformed framing
/// answered with 500. Each is now a clear client error, and nothing is stored.
/// </summary>
public sealed class HostileInputSpecs(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayServer Server => fixture.Server;

    private static string OrderJson(string id, string items, string currency = "\"EUR\"") =>
        $$"""{"order_id":"{{id}}","customer_email":"ada@example.com","currency":{{currency}},"payment_token":"tok_visa","items":{{items}}}""";

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostAsync(string json, string contentType = "application/json")
    {
        using var response = await Server.Http.PostAsync("/v1/orders", new StringContent(json, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static IEnumerable<string> Fields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("field").GetString()!) : [];

    private async Task AssertNotStoredAsync(string orderId)
    {
        var lookup = await Assert.ThrowsAsync<RpcException>(() => Server.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task A_line_total_that_overflows_is_refused_naming_the_price_not_paid()
    {
        var id = GatewayServer.NewId();
        var (status, problem) = await PostAsync(OrderJson(id, """[{"sku":"SKU-1","quantity":2,"unit_price_minor":4611686018427387904}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("items[0].unit_price_minor", Fields(problem));
        await AssertNotStoredAsync(id);
        Assert.Equal(0, Server.Providers.Payment.ChargesFor(id));
    }

    [Fact]
    public async Task An_order_total_that_overflows_is_a_bad_request_not_a_transient_failure()
    {
        var id = GatewayServer.NewId();
        var request = GatewayServer.Order(id);
        request.Items[0].UnitPriceMinor = long.MaxValue;
        request.Items.Add(new OrderItem { Sku = "SKU-1", Quantity = 1, UnitPriceMinor = long.MaxValue });

        var error = await Assert.ThrowsAsync<RpcException>(() => Server.Client.PlaceOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "items[0].unit_price_minor");
        await AssertNotStoredAsync(id);
    }

    [Fact]
    public async Task An_order_total_over_the_limit_is_refused_naming_the_items()
    {
        var id = GatewayServer.NewId();
        var (status, problem) = await PostAsync(OrderJson(id,
            """[{"sku":"SKU-1","quantity":1,"unit_price_minor":600000000000},{"sku":"SKU-1","quantity":1,"unit_price_minor":600000000000}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["items"], Fields(problem));
        await AssertNotStoredAsync(id);
    }

    [Fact]
    public async Task A_missing_price_is_required_on_both_faces_not_a_free_item()
    {
        var restId = GatewayServer.NewId();
        var (status, problem) = await PostAsync(OrderJson(restId, """[{"sku":"SKU-1","quantity":1}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["items[0].unit_price_minor"], Fields(problem));
        await AssertNotStoredAsync(restId);

        var grpc = GatewayServer.Order();
        grpc.Items[0].ClearUnitPriceMinor();
        var error = await Assert.ThrowsAsync<RpcException>(() => Server.Client.PlaceOrderAsync(grpc).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["items[0].unit_price_minor"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        await AssertNotStoredAsync(grpc.OrderId);

        var free = GatewayServer.Order();
        free.Items[0].UnitPriceMinor = 0;
        Assert.Equal(0, (await Server.Client.PlaceOrderAsync(free)).Order.Total.AmountMinor);
    }

    public static TheoryData<string, string> TrailingNewlines => new()
    {
        { """{"order_id":"r-nl\n","customer_email":"ada@example.com","currency":"EUR","payment_token":"t","items":[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]}""", "order_id" },
        { """{"customer_email":"ada@example.com","currency":"EUR\n","payment_token":"t","items":[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]}""", "currency" },
        { """{"customer_email":"ada@example.com","currency":"EUR","payment_token":"t","items":[{"sku":"SKU-1\n","quantity":1,"unit_price_minor":1}]}""", "items[0].sku" },
        { """{"customer_email":"ada@example.com\n","currency":"EUR","payment_token":"t","items":[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]}""", "customer_email" },
        { """{"customer_email":"ada@example.com","currency":"EUR","payment_token":"t\u0000","items":[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]}""", "payment_token" },
        { """{"customer_email":"ada@example.com","currency":"EUR","payment_token":"t","callback_url":"http://127.0.0.1:9/h\n","items":[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]}""", "callback_url" },
    };

    [Theory]
    [MemberData(nameof(TrailingNewlines))]
    public async Task Patterns_anchor_at_the_true_end_of_the_text(string body, string field)
    {
        var (status, problem) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(field, Fields(problem));
    }

    [Fact]
    public async Task An_order_id_with_a_newline_in_the_path_is_a_bad_request()
    {
        using var response = await Server.Http.GetAsync("/v1/orders/r-nl%0A");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("application/jsonx")]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("multipart/form-data")]
    public async Task A_body_that_is_not_declared_json_is_415(string contentType)
    {
        var id = GatewayServer.NewId();
        using var content = new StringContent(OrderJson(id, """[{"sku":"SKU-1","quantity":1,"unit_price_minor":1}]"""));
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Server.Http.PostAsync("/v1/orders", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        await AssertNotStoredAsync(id);
    }

    [Fact]
    public async Task A_chunk_size_that_overflows_is_a_client_error()
    {
        var status = await RawHttp.SendAsync(Server.HttpAddress, """
            POST /v1/orders HTTP/1.1
            Host: localhost
            Content-Type: application/json
            Transfer-Encoding: chunked

            ffffffffffffffff
            {}
            0


            """);
        Assert.InRange(status, 400, 499);
    }

    public static TheoryData<string, byte[]> UnreadableMessages => new()
    {
        { "an order id that is not UTF-8", RawGrpc.Field(1, [0x6f, 0xff, 0xfe]) },
        { "an item that is not UTF-8", RawGrpc.Field(3, RawGrpc.Field(1, [0xc3, 0x28])) },
        { "a field cut short", [0x0a, 0x40, 0x61] },
        { "a tag of wire type 7", [0x0f, 0x01] },
    };

    [Theory]
    [MemberData(nameof(UnreadableMessages))]
    public async Task A_grpc_message_that_cannot_be_read_is_invalid_argument_without_a_stack_trace_per_call(string what, byte[] message)
    {
        var errorsBefore = Server.Logs.Entries.Count(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        for (var i = 0; i < 20; i++)
            Assert.True(StatusCode.InvalidArgument == await RawGrpc.CallAsync(Server.Channel, "orders.v1.OrderService", "PlaceOrder", message), what);
        Assert.Equal(StatusCode.InvalidArgument, await RawGrpc.CallAsync(Server.Channel, "orders.v1.OrderService", "GetOrder", message));
        Assert.Equal(errorsBefore, Server.Logs.Entries.Count(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error));
    }

    [Theory]
    [InlineData("""{"latency_ms":1e309}""", "latency_ms")]
    [InlineData("""{"latency_ms":0,"jitter_ms":-1}""", "jitter_ms")]
    [InlineData("""{"latency_ms":0,"slow_latency_ms":1e12}""", "slow_latency_ms")]
    [InlineData("""{"latency_ms":0,"error_rate":1.5}""", "error_rate")]
    [InlineData("""{"latency_ms":0,"outages":[{"from":"2026-01-01T00:00:10Z","until":"2026-01-01T00:00:00Z"}]}""", "outages[0].until")]
    public async Task A_simulation_setting_out_of_bounds_is_refused_by_name_and_payments_keep_working(string body, string field)
    {
        var before = await Server.Http.GetStringAsync("/v1/simulations");
        using var put = await Server.Http.PutAsync("/v1/simulations/payment", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        using (var problem = JsonDocument.Parse(await put.Content.ReadAsStringAsync()))
            Assert.Contains(field, Fields(problem.RootElement));
        Assert.Equal(before, await Server.Http.GetStringAsync("/v1/simulations"));
        var order = await Server.Client.PlaceOrderAsync(GatewayServer.Order());
        Assert.Equal(OrderStatus.Confirmed, order.Order.Status);
    }
}
