using Orders.Actors.Providers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests;

/// <summary>The seed's "202 Accepted with a token, then poll" over plain HTTP, and its Server-Sent Events stream.</summary>
public sealed class RestOrderSpecs(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayServer Server => fixture.Server;

    private static object Body(string id, string mode) => new
    {
        order_id = id, customer_email = "ada@example.com", items = new[] { new { sku = "SKU-1", quantity = 2, unit_price_minor = 1999 } },
        currency = "EUR", payment_token = "tok_visa", mode,
    };

    [Fact]
    public async Task Accepted_returns_202_with_location_and_retry_after_then_polling_reaches_completed()
    {
        var id = GatewayServer.NewId();
        var response = await Server.Http.PostAsJsonAsync("/v1/orders", Body(id, "accepted"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/v1/orders/{id}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.RetryAfter);
        using (var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            Assert.Equal("payment_pending", accepted.RootElement.GetProperty("status").GetString());

        string status;
        var polls = 0;
        do
        {
            await Task.Delay(50);
            var poll = await Server.Http.GetAsync(response.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            using var order = JsonDocument.Parse(await poll.Content.ReadAsStringAsync());
            status = order.RootElement.GetProperty("status").GetString()!;
            Assert.Equal(3998, order.RootElement.GetProperty("total").GetProperty("amount_minor").GetInt64());
        } while (status != "completed" && ++polls < 400);
        Assert.Equal("completed", status);
    }

    [Fact]
    public async Task Hybrid_returns_200_once_payment_is_decided_under_the_clients_trace()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = JsonContent.Create(Body(GatewayServer.NewId(), "hybrid")) };
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var order = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("confirmed", order.RootElement.GetProperty("status").GetString());
        Assert.Equal(traceId, order.RootElement.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task The_event_stream_sends_every_status_change_then_closes()
    {
        // The stream starts from the order's current state: the payment takes long enough here that it opens while pending.
        using var slowPayment = Server.Providers.Slow(ProviderKind.Payment, TimeSpan.FromSeconds(1.5));
        var id = GatewayServer.NewId();
        Assert.Equal(HttpStatusCode.Accepted, (await Server.Http.PostAsJsonAsync("/v1/orders", Body(id, "accepted"))).StatusCode);

        using var response = await Server.Http.GetAsync($"/v1/orders/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var statuses = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ")) continue;
            using var json = JsonDocument.Parse(line["data: ".Length..]);
            statuses.Add(json.RootElement.GetProperty("status").GetString()!);
        }
        Assert.Equal(["payment_pending", "confirmed", "fulfilling", "completed"], statuses);
    }

    [Fact]
    public async Task Cancel_and_list_work_over_rest_too()
    {
        var id = GatewayServer.NewId();
        await Server.Http.PostAsJsonAsync("/v1/orders", Body(id, "hybrid"));
        var cancel = await Server.Http.PostAsJsonAsync($"/v1/orders/{id}/cancel", new { reason = "wrong size" });
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await Server.WaitForTerminalAsync(id);

        var list = await Server.Http.GetAsync("/v1/orders?status=cancelled&page_size=500");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var badStatus = await Server.Http.GetAsync("/v1/orders?status=lost");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_finished_or_unknown_order_over_rest_is_a_clear_refusal_that_changes_nothing()
    {
        var id = GatewayServer.NewId();
        await Server.Http.PostAsJsonAsync("/v1/orders", Body(id, "sync"));
        var late = await Server.Http.PostAsync($"/v1/orders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("can no longer be cancelled", await late.Content.ReadAsStringAsync());
        using (var order = JsonDocument.Parse(await Server.Http.GetStringAsync($"/v1/orders/{id}")))
            Assert.Equal("completed", order.RootElement.GetProperty("status").GetString());

        var unknown = await Server.Http.PostAsync($"/v1/orders/{GatewayServer.NewId()}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
