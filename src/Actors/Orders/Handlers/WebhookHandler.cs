using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Services;

namespace Orders.Actors.Orders.Handlers;

/// <summary>Where callbacks may go and how they are signed; bound from "Orders:Webhooks".</summary>
public sealed record WebhookSettings
{
    public const string DevelopmentSecret = "dev-only-webhook-secret-change-me";

    /// <summary>HMAC-SHA256 key shared with receivers.</summary>
    public string Secret { get; init; } = DevelopmentSecret;
    /// <summary>Hosts a callback URL may name; anything else is refused (no SSRF). Loopback only by default.</summary>
    public string[] AllowedHosts { get; init; } = ["127.0.0.1", "localhost", "::1"];

    /// <summary>This node's own endpoints and its providers', filled in at start-up: never a callback's target.</summary>
    public ForbiddenCallbackTargets Forbidden { get; } = new();

    public bool IsAllowedHost(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(url.UserInfo)
        && AllowedHosts.Any(h => string.Equals(h.Trim('[', ']'), url.IdnHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    public bool IsAllowed(Uri url) => IsAllowedHost(url) && !Forbidden.Forbids(url);

    /// <summary>The bulkhead a delivery belongs to: its receiver's scheme, host and port.</summary>
    public static string DestinationOf(IServiceRequest request) =>
        request is PerformStep { Order.CallbackUrl: { } callback } && Uri.TryCreate(callback, UriKind.Absolute, out var url)
            ? url.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : "(no callback)";
}

/// <summary>
/// Endpoints a callback URL may never name, even on an allowed host: this node's own ports (gRPC, REST, remoting) and
/// the provider simulator's, so that a callback cannot be used to call the node's or the providers' own APIs.
/// </summary>
public sealed class ForbiddenCallbackTargets
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _localPorts = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _endpoints = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A port this machine listens on for the node: forbidden on every host name that means this machine.</summary>
    public void AddLocalPort(int port) => _localPorts[port] = 0;

    public void AddEndpoint(Uri endpoint) => _endpoints[$"{endpoint.IdnHost.Trim('[', ']')}:{endpoint.Port}"] = 0;

    public bool Forbids(Uri url) =>
        _endpoints.ContainsKey($"{url.IdnHost.Trim('[', ']')}:{url.Port}") || (_localPorts.ContainsKey(url.Port) && IsThisMachine(url.IdnHost.Trim('[', ']')));

    private static bool IsThisMachine(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || string.Equals(host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase)) return true;
        if (!IPAddress.TryParse(host, out var address)) return false;
        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
               || System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                   .SelectMany(n => n.GetIPProperties().UnicastAddresses).Any(u => u.Address.Equals(address));
    }
}

/// <summary>
/// Announces an order's status change to its callback URL (the seed's "callee calls the caller back"). Signed
/// like Standard Webhooks: <c>webhook-signature: v1,base64(HMAC-SHA256(secret, id.timestamp.body))</c>.
/// </summary>
public sealed class WebhookHandler(HttpClient http, WebhookSettings settings) : StepHandler
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public override string Service => "webhook";

    /// <summary>The body a receiver gets: the REST face's names and shapes ("payment_pending", a nested total).</summary>
    public sealed record Delivery(string DeliveryId, string OrderId, string Status, DateTimeOffset? OccurredAt, string? Reason, Money Total, string CorrelationId);

    public sealed record Money(long AmountMinor, string Currency);

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, // a redirect could lead off the allowlist
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(3),
    });

    public static string Sign(string secret, string deliveryId, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    protected override async Task<string?> PerformAsync(PerformStep step, CancellationToken ct)
    {
        if (step.Step.Kind != StepKind.NotifyWebhook) throw new ArgumentException($"webhook cannot perform {step.Step}");
        if (!Uri.TryCreate(step.Order.CallbackUrl, UriKind.Absolute, out var url) || !settings.IsAllowed(url))
            throw new ProviderRefusedException($"callback URL '{step.Order.CallbackUrl}' is not on the allowlist");

        var status = Enum.Parse<OrderStatus>(step.Step.Subject!);
        // Stable across retries, so receivers dedupe on it; spelled as the receiver sees the status.
        var deliveryId = $"{step.OrderId}/{step.Step.PublicName}";
        var delivery = new Delivery(deliveryId, step.OrderId, Spelling.Snake(status), step.OccurredAt,
            status == OrderStatus.Completed ? null : step.Reason, new Money(step.Order.TotalMinor, step.Order.Currency), step.Context.CorrelationId);
        var body = JsonSerializer.Serialize(delivery, Json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(IdHeader, delivery.DeliveryId);
        request.Headers.Add(TimestampHeader, timestamp.ToString());
        request.Headers.Add(SignatureHeader, Sign(settings.Secret, delivery.DeliveryId, timestamp, body));
        // With tracing on, HttpClient's instrumentation sends its own span's traceparent (beneath this delivery's); off,
        // the receiver still gets the delivery's context.
        if (Activity.Current is null) request.Headers.Add("traceparent", step.Context.TraceParent);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("orders-webhooks", "1"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ProviderUnavailableException($"callback {url.GetLeftPart(UriPartial.Path)} unreachable: {e.Message}");
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return $"delivered ({code})";
            // Client errors other than "try later" will not change by retrying: park for an operator.
            if (code is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
                throw new ProviderRefusedException($"callback answered {code}");
            throw new ProviderUnavailableException($"callback answered {code}");
        }
    }
}
