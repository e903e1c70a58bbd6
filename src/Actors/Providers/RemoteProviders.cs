using System.Net;
using System.Net.Http.Json;

namespace Orders.Actors.Providers;

/// <summary>
/// The outside world as a shared service over HTTP: every node of a cluster calls the same provider simulator, so
/// idempotency keys hold across nodes as they do with a real payment processor, and one ledger shows what happened.
/// </summary>
public sealed class RemoteProviders : IPaymentProvider, IWarehouseProvider, IEmailProvider, IAnalyticsProvider
{
    private readonly HttpClient _http;

    public RemoteProviders(Uri baseAddress)
    {
        if (!baseAddress.IsAbsoluteUri || baseAddress.Scheme is not ("http" or "https"))
            throw new ArgumentException($"the provider simulator address must be an absolute http(s) URL, not '{baseAddress}'");
        // Timeouts belong to the callers (the supervised workers cancel the token), not to the HTTP client.
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public ProviderClients Clients => new(this, this, this, this);

    public async Task<PaymentAuthorization> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, string paymentToken, CancellationToken ct) =>
        await PostAsync<PaymentAuthorization>(ProviderWire.Authorize, new ProviderWire.AuthorizeRequest(idempotencyKey, amountMinor, currency, paymentToken), ct);

    public async Task<string> RefundAsync(string paymentKey, string? authorizationId, long amountMinor, string currency, CancellationToken ct) =>
        (await PostAsync<ProviderWire.ReferenceReply>(ProviderWire.Refund, new ProviderWire.RefundRequest(paymentKey, authorizationId, amountMinor, currency), ct)).Reference;

    public async Task<string> CreateShipmentAsync(string orderId, IReadOnlyList<Orders.OrderLine> lines, CancellationToken ct) =>
        (await PostAsync<ProviderWire.ReferenceReply>(ProviderWire.CreateShipment, new ProviderWire.ShipmentRequest(orderId, lines), ct)).Reference;

    public async Task CancelShipmentAsync(string orderId, CancellationToken ct) =>
        await PostAsync<ProviderWire.ReferenceReply>(ProviderWire.CancelShipment, new ProviderWire.CancelShipmentRequest(orderId), ct);

    public async Task<string> SendAsync(EmailMessage message, CancellationToken ct) =>
        (await PostAsync<ProviderWire.ReferenceReply>(ProviderWire.SendEmail, message, ct)).Reference;

    public async Task RecordAsync(IReadOnlyList<AnalyticsRecord> records, CancellationToken ct) =>
        await PostAsync<ProviderWire.ReferenceReply>(ProviderWire.RecordAnalytics, records, ct);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(path, body, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ProviderUnavailableException($"provider simulator at {_http.BaseAddress} unreachable: {e.Message}");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return await response.Content.ReadFromJsonAsync<T>(ct).ConfigureAwait(false)
                    ?? throw new ProviderUnavailableException($"{path}: empty answer");
            var error = await ErrorOf(response, ct).ConfigureAwait(false);
            throw response.StatusCode == HttpStatusCode.Conflict
                ? new ProviderRefusedException(error)
                : new ProviderUnavailableException($"{path}: {(int)response.StatusCode} {error}");
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<ProviderWire.ErrorReply>(ct).ConfigureAwait(false))?.Error ?? response.ReasonPhrase ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
