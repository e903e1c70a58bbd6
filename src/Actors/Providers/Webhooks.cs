using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orders.Actors.Services;

namespace Orders.Actors.Providers;

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
        request is ICallbackRequest { CallbackUrl: { } callback } && Uri.TryCreate(callback, UriKind.Absolute, out var url)
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
/// Delivers any workflow's webhooks (the seed's "callee calls the caller back"): a signed POST to an allowed callback
/// URL, signed like Standard Webhooks: <c>webhook-signature: v1,base64(HMAC-SHA256(secret, id.timestamp.body))</c>.
/// The workflow decides the body and the delivery id (stable across retries, so receivers dedupe on it).
/// </summary>
public sealed class WebhookPoster(HttpClient http, WebhookSettings settings)
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

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

    /// <summary>Posts <paramref name="payload"/> (as snake_case JSON); the receiver's answer as a step outcome's detail.</summary>
    /// <exception cref="ProviderRefusedException">The URL is not allowed, or the receiver refused for good (a 4xx but 408 and 429).</exception>
    /// <exception cref="ProviderUnavailableException">Unreachable, or an answer worth retrying.</exception>
    public async Task<string> PostAsync(string? callbackUrl, string deliveryId, object payload, string traceParent, CancellationToken ct)
    {
        if (!Uri.TryCreate(callbackUrl, UriKind.Absolute, out var url) || !settings.IsAllowed(url))
            throw new ProviderRefusedException($"callback URL '{callbackUrl}' is not on the allowlist");
        var body = JsonSerializer.Serialize(payload, payload.GetType(), Json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(IdHeader, deliveryId);
        request.Headers.Add(TimestampHeader, timestamp.ToString());
        request.Headers.Add(SignatureHeader, Sign(settings.Secret, deliveryId, timestamp, body));
        // With tracing on, HttpClient's instrumentation sends its own span's traceparent (beneath this delivery's); off,
        // the receiver still gets the delivery's context.
        if (Activity.Current is null) request.Headers.Add("traceparent", traceParent);
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
