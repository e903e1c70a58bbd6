using System.Diagnostics;
using Google.Protobuf;
using Orders.Bench.Telemetry.Otlp;

namespace Orders.Bench.Telemetry;

/// <summary>
/// One span as an exporter sent it over OTLP: ids in hex (as in a traceparent), times, attributes, links, status, and
/// the process it came from (its resource's service.instance.id, new in every process).
/// </summary>
public sealed record CollectedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    ActivityKind Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, object> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    ActivityStatusCode Status,
    string StatusMessage,
    string Scope,
    string ServiceInstance)
{
    public TimeSpan Duration => End - Start;

    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    /// <summary>The spans of one OTLP ExportTraceServiceRequest (protobuf).</summary>
    public static IEnumerable<CollectedSpan> Decode(byte[] request)
    {
        foreach (var resource in ExportTraceServiceRequest.Parser.ParseFrom(request).ResourceSpans)
        {
            var instance = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.instance.id")?.Value?.StringValue ?? "";
            foreach (var scope in resource.ScopeSpans)
            foreach (var span in scope.Spans)
                yield return new CollectedSpan(Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name, KindOf(span.Kind),
                    Time(span.StartTimeUnixNano), Time(span.EndTimeUnixNano),
                    span.Attributes.ToDictionary(a => a.Key, a => Value(a.Value)),
                    span.Links.Select(l => (Hex(l.TraceId), Hex(l.SpanId))).ToList(),
                    span.Status?.Code switch { StatusCode.Error => ActivityStatusCode.Error, StatusCode.Ok => ActivityStatusCode.Ok, _ => ActivityStatusCode.Unset },
                    span.Status?.Message ?? "", scope.Scope?.Name ?? "", instance);
        }
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static DateTimeOffset Time(ulong unixNanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    private static ActivityKind KindOf(SpanKind kind) => kind switch
    {
        SpanKind.Server => ActivityKind.Server,
        SpanKind.Client => ActivityKind.Client,
        SpanKind.Producer => ActivityKind.Producer,
        SpanKind.Consumer => ActivityKind.Consumer,
        _ => ActivityKind.Internal,
    };

    private static object Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        _ => "",
    };
}
