using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Orders.Actors.Messaging;
using Orders.Actors.Providers;
using Orders.Actors.Services;

namespace Orders.Actors.Tests.Services;

/// <summary>
/// Webhooks are not the order's: any workflow's step posts its own body through the same signed, allowlisted
/// delivery, and its bulkhead key is its receiver. Here a trip's notification, to a real HTTP listener on loopback.
/// </summary>
public sealed class WebhookPosterSpecs : IDisposable
{
    private const string Secret = "spec-secret";

    private sealed record TripNotice(string DeliveryId, string TripId, string Status);

    private sealed record TripCallback(string TripId, string? CallbackUrl) : ICallbackRequest
    {
        public string Workflow => "trip";
        public string InstanceId => TripId;
        public string IdempotencyKey => $"trip/{TripId}/notify";
        public MessageContext Context => MessageContext.New();
        public IActorRef ReplyTarget(IActorRef sender) => sender;
        public bool ReleaseWhenRecovered => true;
        public object? Recovered(string service, bool probe) => null;
        public object Unavailable(string service, DateTimeOffset retryAfter, string? cause) => cause ?? service;
    }

    private readonly HttpListener _listener = new();
    private readonly int _port = FreePort();
    private readonly WebhookPoster _poster;

    public WebhookPosterSpecs()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _poster = new WebhookPoster(WebhookPoster.CreateClient(), new WebhookSettings { Secret = Secret });
    }

    public void Dispose() => _listener.Close();

    private string Url(string path) => $"http://127.0.0.1:{_port}/{path}";

    [Fact]
    public async Task A_workflows_own_body_is_posted_signed_and_the_receivers_answer_decides_the_outcome()
    {
        var received = AnswerNext(204);
        var detail = await _poster.PostAsync(Url("trips"), "t-1/notify:booked", new TripNotice("t-1/notify:booked", "t-1", "booked"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", CancellationToken.None);

        var (headers, body) = await received;
        Assert.Equal("delivered (204)", detail);
        Assert.Equal("""{"delivery_id":"t-1/notify:booked","trip_id":"t-1","status":"booked"}""", body);
        Assert.Equal("t-1/notify:booked", headers[WebhookPoster.IdHeader]);
        Assert.Equal(WebhookPoster.Sign(Secret, "t-1/notify:booked", long.Parse(headers[WebhookPoster.TimestampHeader]!), body), headers[WebhookPoster.SignatureHeader]);

        _ = AnswerNext(410);
        var gone = await Assert.ThrowsAsync<ProviderRefusedException>(() => _poster.PostAsync(Url("trips"), "t-2/n", new TripNotice("t-2/n", "t-2", "booked"), "", CancellationToken.None));
        Assert.Equal("callback answered 410", gone.Message);
        _ = AnswerNext(503);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => _poster.PostAsync(Url("trips"), "t-3/n", new TripNotice("t-3/n", "t-3", "booked"), "", CancellationToken.None));
        _ = AnswerNext(429);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => _poster.PostAsync(Url("trips"), "t-4/n", new TripNotice("t-4/n", "t-4", "booked"), "", CancellationToken.None));
    }

    [Fact]
    public async Task A_callback_off_the_allowlist_is_refused_without_a_request_and_deliveries_are_bulkheaded_by_receiver()
    {
        var refused = await Assert.ThrowsAsync<ProviderRefusedException>(() =>
            _poster.PostAsync("http://example.com/hook", "t-5/n", new TripNotice("t-5/n", "t-5", "booked"), "", CancellationToken.None));
        Assert.Equal("callback URL 'http://example.com/hook' is not on the allowlist", refused.Message);

        Assert.Equal($"http://127.0.0.1:{_port}", WebhookSettings.DestinationOf(new TripCallback("t-6", Url("a/b?c=d"))));
        Assert.Equal("(no callback)", WebhookSettings.DestinationOf(new TripCallback("t-7", null)));
    }

    /// <summary>Answers the next request with <paramref name="status"/>; its headers and body.</summary>
    private Task<(WebHeaderCollection Headers, string Body)> AnswerNext(int status) => Task.Run(async () =>
    {
        var context = await _listener.GetContextAsync();
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = (WebHeaderCollection)context.Request.Headers;
        context.Response.StatusCode = status;
        context.Response.Close();
        return (headers, body);
    });

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
