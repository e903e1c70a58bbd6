using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orders.Actors.Services;
using Orders.Actors.Providers;

namespace Orders.Gateway.Tests.Support;

/// <summary>A real HTTP listener on loopback that verifies every delivery's signature, like a customer's endpoint would.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string DeliveryId, string OrderId, string Status, bool SignatureValid, int AnsweredWith, string Body, string TraceParent);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private int _failuresToGive;
    private int _refuseWith;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;
    public IReadOnlyList<Received> All => _received.ToList();
    public IReadOnlyList<Received> Accepted => _received.Where(r => r.AnsweredWith == 200).ToList();

    /// <summary>Answer the next <paramref name="count"/> deliveries with 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresToGive, count);

    /// <summary>Answer every delivery with <paramref name="status"/> (a 4xx is a refusal: not retried) until <see cref="Accept"/>.</summary>
    public void Refuse(int status) => Volatile.Write(ref _refuseWith, status);

    public void Accept() => Volatile.Write(ref _refuseWith, 0);

    public static async Task<WebhookReceiver> StartAsync(string secret, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var id = http.Request.Headers[WebhookPoster.IdHeader].ToString();
            var timestamp = long.Parse(http.Request.Headers[WebhookPoster.TimestampHeader].ToString());
            var valid = http.Request.Headers[WebhookPoster.SignatureHeader].ToString() == WebhookPoster.Sign(secret, id, timestamp, body)
                        && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) < 300;
            using var json = JsonDocument.Parse(body);
            var fail = Volatile.Read(ref receiver._failuresToGive) > 0 && Interlocked.Decrement(ref receiver._failuresToGive) >= 0;
            var refuse = Volatile.Read(ref receiver._refuseWith);
            var code = !valid ? 401 : refuse != 0 ? refuse : fail ? 500 : 200;
            receiver._received.Enqueue(new Received(id, json.RootElement.GetProperty("order_id").GetString()!, json.RootElement.GetProperty("status").GetString()!, valid, code, body,
                http.Request.Headers.TraceParent.ToString()));
            http.Response.StatusCode = code;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
