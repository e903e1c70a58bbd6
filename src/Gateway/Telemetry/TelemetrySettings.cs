using OpenTelemetry.Exporter;

namespace Orders.Gateway.Telemetry;

/// <summary>
/// "OpenTelemetry:Metrics:Enabled" and "OpenTelemetry:Tracing:Enabled" (both default true), the trace sample ratio, and where OTLP goes:
/// "OpenTelemetry:Otlp:Endpoint" and "OpenTelemetry:Otlp:Protocol", else the standard OTEL_EXPORTER_OTLP_ENDPOINT and
/// OTEL_EXPORTER_OTLP_PROTOCOL.
/// Read and checked at start: a value that cannot mean anything stops the node.
/// </summary>
public sealed record TelemetrySettings(bool MetricsEnabled, Uri? OtlpEndpoint, OtlpExportProtocol OtlpProtocol = OtlpExportProtocol.Grpc, bool TracingEnabled = true,
    double SampleRatio = 1.0)
{
    public const string MetricsEnabledKey = "OpenTelemetry:Metrics:Enabled";
    public const string TracingEnabledKey = "OpenTelemetry:Tracing:Enabled";
    /// <summary>The share of traces started here that are kept (0 to 1, default 1); a caller's own sampling decision is always followed.</summary>
    public const string SampleRatioKey = "OpenTelemetry:Tracing:SampleRatio";
    public const string OtlpEndpointKey = "OpenTelemetry:Otlp:Endpoint";
    public const string StandardOtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocolKey = "OpenTelemetry:Otlp:Protocol";
    public const string StandardOtlpProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>
    /// Where metrics are sent. Both endpoint settings name the collector's base address, as the OTLP specification
    /// defines the standard variable: over HTTP the signal's path (/v1/metrics) is added to it; gRPC takes it as is.
    /// </summary>
    public Uri? OtlpMetricsEndpoint => SignalEndpoint("metrics");

    /// <summary>Where spans are sent: the same collector, /v1/traces over HTTP.</summary>
    public Uri? OtlpTracesEndpoint => SignalEndpoint("traces");

    private Uri? SignalEndpoint(string signal) => OtlpEndpoint is { } endpoint && OtlpProtocol == OtlpExportProtocol.HttpProtobuf
        ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal)
        : OtlpEndpoint;

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var enabled = Switch(configuration, MetricsEnabledKey);
        var tracing = Switch(configuration, TracingEnabledKey);

        var (key, endpointText) = FirstSet(configuration, OtlpEndpointKey, StandardOtlpEndpointKey);
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(endpointText))
            // The exporter itself would log a warning and send to localhost instead; "collector:4317" even parses as a URI.
            endpoint = Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
                ? uri
                : throw new ArgumentException($"{key} must be an absolute http(s) URL such as http://127.0.0.1:4317, not '{endpointText}'");

        var (protocolKey, protocolText) = FirstSet(configuration, OtlpProtocolKey, StandardOtlpProtocolKey);
        var protocol = protocolText?.Trim() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new ArgumentException($"{protocolKey} must be grpc or http/protobuf, not '{protocolText}'"),
        };
        var ratioText = configuration[SampleRatioKey];
        var ratio = 1.0;
        if (!string.IsNullOrWhiteSpace(ratioText)
            && !(double.TryParse(ratioText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1))
            throw new ArgumentException($"{SampleRatioKey} must be a number from 0 to 1, not '{ratioText}'");
        return new TelemetrySettings(enabled, endpoint, protocol, tracing, ratio);
    }

    private static bool Switch(IConfiguration configuration, string key)
    {
        var text = configuration[key];
        var on = true;
        if (!string.IsNullOrWhiteSpace(text) && !bool.TryParse(text, out on))
            throw new ArgumentException($"{key} must be true or false, not '{text}'");
        return on;
    }

    private static (string Key, string? Value) FirstSet(IConfiguration configuration, string ours, string standard) =>
        !string.IsNullOrWhiteSpace(configuration[ours]) ? (ours, configuration[ours]) : (standard, configuration[standard]);
}
