using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orders.Bench.Telemetry;

/// <summary>
/// An OTLP receiver of metrics and spans on loopback, as a collector would listen: gRPC (HTTP/2 without TLS, the
/// MetricsService and TraceService Export methods) or HTTP (POST /v1/metrics, /v1/traces), all carrying protobuf. It
/// keeps what it was sent (or, for a bench's load, only counts the span exports), and answers each export with an
/// empty response (accepted in full). The specs read the bytes, and the spans decoded from them as a trace UI would
/// (<see cref="Spans"/>); the bench draws them.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string GrpcExportPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
    public const string HttpExportPath = "/v1/metrics";
    public const string GrpcTraceExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string HttpTraceExportPath = "/v1/traces";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();

    private readonly bool _keep;
    private long _spanExports, _spanBytes;

    private OtlpReceiver(WebApplication app, bool keep) => (_app, _keep) = (app, keep);

    private void Count(long bytes)
    {
        Interlocked.Increment(ref _spanExports);
        Interlocked.Add(ref _spanBytes, bytes);
    }

    /// <summary>Span exports received and their bytes, kept or not.</summary>
    public (long Exports, long Bytes) SpanTraffic => (Interlocked.Read(ref _spanExports), Interlocked.Read(ref _spanBytes));

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<(string Path, byte[] Body)> Exports => _exports.ToList();

    /// <summary>A node's settings to export here over <paramref name="protocol"/> (grpc or http/protobuf), and any others.</summary>
    public string[] NodeSettings(string protocol, params string[] others) =>
        [$"--OpenTelemetry:Otlp:Endpoint={BaseAddress}", $"--OpenTelemetry:Otlp:Protocol={protocol}", .. others];

    /// <summary>Did any export carry <paramref name="text"/>? Protobuf writes strings (metric names, attribute values) as plain UTF-8.</summary>
    public bool Received(string text, string? path = null) => Received(Encoding.UTF8.GetBytes(text), path);

    /// <summary>Did any export (to <paramref name="path"/>, if given) carry these bytes (a trace id is 16 raw bytes)?</summary>
    public bool Received(byte[] bytes, string? path = null) =>
        _exports.Any(e => (path is null || e.Path == path) && e.Body.AsSpan().IndexOf(bytes) >= 0);

    /// <summary>Every span exported here so far, decoded.</summary>
    public IReadOnlyList<CollectedSpan> Spans => _exports.Where(e => e.Path is GrpcTraceExportPath or HttpTraceExportPath)
        .SelectMany(e => CollectedSpan.Decode(e.Path == GrpcTraceExportPath ? GrpcMessage(e.Body) : e.Body)).ToList();

    /// <summary>The spans of one trace, by its id in hex.</summary>
    public IReadOnlyList<CollectedSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    // A gRPC frame: 1 byte "compressed" flag (the exporter does not compress), 4 bytes big-endian length, the message.
    private static byte[] GrpcMessage(byte[] frame) => frame.AsSpan(5, (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1, 4))).ToArray();

    /// <param name="keep">False for a bench's load: exports are counted and dropped, as a collector forwarding them would.</param>
    public static async Task<OtlpReceiver> StartAsync(bool grpc, bool keep = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A cleartext endpoint speaks HTTP/2 only when told to: OTLP/gRPC clients use prior knowledge.
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, keep);
        async Task Export(HttpContext http)
        {
            var isSpans = http.Request.Path == (grpc ? GrpcTraceExportPath : HttpTraceExportPath);
            if (receiver._keep)
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                receiver._exports.Enqueue((http.Request.Path, body.ToArray()));
                if (isSpans) receiver.Count(body.Length);
            }
            else
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
                long length = 0;
                for (int read; (read = await http.Request.Body.ReadAsync(buffer)) > 0;) length += read;
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                if (isSpans) receiver.Count(length);
            }
            if (grpc)
            {
                http.Response.ContentType = "application/grpc";
                http.Response.AppendTrailer("grpc-status", "0");
                await http.Response.Body.WriteAsync(new byte[5]); // one message, uncompressed, of length 0
            }
            else
            {
                http.Response.ContentType = "application/x-protobuf";
            }
        }
        app.MapPost(grpc ? GrpcExportPath : HttpExportPath, Export);
        app.MapPost(grpc ? GrpcTraceExportPath : HttpTraceExportPath, Export);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
