using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Orders.Actors.Orders;
using Orders.Gateway.Application;
using Orders.Gateway.Diagnostics;
using Orders.Gateway.Security;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Rest;

/// <summary>The REST face of <see cref="OrderApplication"/>: same validation and semantics as gRPC, errors as problem+json.</summary>
public static class OrderRestEndpoints
{
    public static void MapOrderRest(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1/orders");
        v1.MapPost("", Place);
        v1.MapGet("", List);
        v1.MapGet("/{orderId}", Get);
        v1.MapPost("/{orderId}/cancel", Cancel);
        v1.MapGet("/{orderId}/events", Events);
        app.MapGet("/v1/inventory/{sku}", Stock);
    }

    private static Task Stock(HttpContext http, string sku, OrderApplication application) => Handle(http, async () =>
    {
        var level = await application.GetStockAsync(sku, http.RequestAborted);
        await WriteJsonAsync(http, StatusCodes.Status200OK, new { level.Sku, level.Available, level.Allocated, level.AllocatingOrders });
    });

    private static Task Place(HttpContext http, OrderApplication application, GatewayOptions options) => Handle(http, async () =>
    {
        var body = await ReadBodyAsync<PlaceOrderBody>(http);
        var mode = ParseMode(body.Mode);
        var items = body.Items?.Select(i => i is null ? null : new ItemInput(i.Sku, i.Quantity, i.UnitPriceMinor)).ToList();
        var input = new PlaceOrderInput(body.OrderId, body.CustomerEmail, items, body.Currency, body.PaymentToken, body.CallbackUrl, mode, ApiFace.Rest);
        var (view, token) = await application.PlaceAsync(input, null, http.RequestAborted);
        var placed = OrderResource.From(view) with { OrderToken = token };
        if (mode == ResponseMode.Accepted)
        {
            http.Response.Headers.Location = $"/v1/orders/{Uri.EscapeDataString(view.OrderId)}";
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
            await WriteJsonAsync(http, StatusCodes.Status202Accepted, placed);
            return;
        }
        await WriteJsonAsync(http, StatusCodes.Status200OK, placed);
    });

    private static Task Get(HttpContext http, string orderId, OrderApplication application, GatewayOptions options) => Handle(http, async () =>
    {
        var view = await application.GetAsync(orderId, CallerAccess.Identify(http), null, http.RequestAborted);
        if (!view.IsTerminal) http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
        await WriteJsonAsync(http, StatusCodes.Status200OK, OrderResource.From(view));
    });

    private static Task Cancel(HttpContext http, string orderId, OrderApplication application) => Handle(http, async () =>
    {
        var body = http.Request.ContentLength is null or 0 ? new CancelOrderBody(null) : await ReadBodyAsync<CancelOrderBody>(http);
        var view = await application.CancelAsync(orderId, body.Reason, CallerAccess.Identify(http), null, http.RequestAborted);
        await WriteJsonAsync(http, StatusCodes.Status200OK, OrderResource.From(view));
    });

    private static Task List(HttpContext http, OrderApplication application) => Handle(http, async () =>
    {
        var query = http.Request.Query;
        var violations = new List<FieldViolation>();
        OrderStatus? status = null;
        if (query.TryGetValue("status", out var s) && !string.IsNullOrEmpty(s))
        {
            if (TryParseSnake<OrderStatus>(s!, out var parsed)) status = parsed;
            else violations.Add(new("status", $"must be one of {string.Join(", ", Enum.GetValues<OrderStatus>().Select(s => ApiFace.Rest.Spell(s)))}"));
        }
        var pageSize = 0;
        if (query.TryGetValue("page_size", out var size) && !int.TryParse(size, out pageSize))
            violations.Add(new("page_size", "must be a whole number"));
        if (violations.Count > 0) throw OrderApiException.Invalid(violations);
        var (page, next) = await application.ListAsync(status, pageSize, query["page_token"], CallerAccess.Identify(http), http.RequestAborted);
        await WriteJsonAsync(http, StatusCodes.Status200OK, new OrderListResource(page.Orders.Select(OrderSummaryResource.From).ToList(), next));
    });

    /// <summary>Server-Sent Events: the current state, then one event per status change, closed when terminal.</summary>
    private static Task Events(HttpContext http, string orderId, OrderApplication application) => Handle(http, async () =>
    {
        await using var changes = application.WatchAsync(orderId, CallerAccess.Identify(http, tokenInQuery: true), http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
        var more = await changes.MoveNextAsync(); // errors (unknown order) still become problem+json
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        while (more)
        {
            var view = changes.Current;
            await http.Response.WriteAsync($"id: {view.Version}\nevent: status\ndata: {JsonSerializer.Serialize(OrderResource.From(view), RestJson.Options)}\n\n", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            more = await changes.MoveNextAsync();
        }
    });

    internal static async Task Handle(HttpContext http, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (OrderApiException e) when (!http.Response.HasStarted)
        {
            await Problems.WriteAsync(http, e);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            await Problems.WriteAsync(http, e.StatusCode, "bad-request", e.Message, []);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nothing to answer
        }
        catch (Exception e)
        {
            http.RequestServices.GetRequiredService<ErrorLog>().Write($"{http.Request.Method} {http.Request.Path}", e);
            if (http.Response.HasStarted) http.Abort();
            else await Problems.WriteAsync(http, StatusCodes.Status500InternalServerError, "internal", "the server failed to handle the request; the failure is logged on the server", []);
        }
    }

    internal static async Task<T> ReadBodyAsync<T>(HttpContext http)
    {
        if (!IsJson(http.Request.ContentType))
            throw new OrderApiException(ApiError.UnsupportedMediaType,
                $"the body must be JSON sent as Content-Type: application/json, not '{http.Request.ContentType ?? "(none)"}'",
                [new FieldViolation("content-type", "must be application/json (charset utf-8 if given)")]);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, RestJson.Options, http.RequestAborted)
                   ?? throw OrderApiException.Invalid([new FieldViolation("body", "must be a JSON object")]);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            throw OrderApiException.Invalid([new FieldViolation(where, $"is not valid: {e.Message.Split(" Path:")[0]}")]);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !http.RequestAborted.IsCancellationRequested)
        {
            // Malformed framing (a chunk size that overflows, a body cut short) is the client's fault, not ours.
            throw OrderApiException.Invalid([new FieldViolation("body", $"could not be read: {e.Message}")]);
        }
    }

    /// <summary>application/json or application/*+json, in UTF-8: "application/jsonx" or "text/plain" are not JSON.</summary>
    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { } type) return false;
        var charset = media.CharSet?.Trim('"');
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                   || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        return json && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static ResponseMode ParseMode(string? mode) =>
        string.IsNullOrEmpty(mode) ? ResponseMode.Hybrid : TryParseSnake<ResponseMode>(mode, out var parsed) ? parsed : (ResponseMode)(-1);

    private static bool TryParseSnake<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Spelling.Snake(candidate) != text.ToLowerInvariant()) continue;
            value = candidate;
            return true;
        }
        value = default;
        return false;
    }

    internal static Task WriteJsonAsync<T>(HttpContext http, int status, T body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, body, RestJson.Options, http.RequestAborted);
    }
}
