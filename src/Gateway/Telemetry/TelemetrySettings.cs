namespace Orders.Gateway.Telemetry;

/// <summary>
/// "OpenTelemetry:Metrics:Enabled" (default true) and where OTLP goes: "OpenTelemetry:Otlp:Endpoint", else the
/// standard OTEL_EXPORTER_OTLP_ENDPOINT. Read and checked at start: a value that cannot mean anything stops the node.
/// </summary>
public sealed record TelemetrySettings(bool MetricsEnabled, Uri? OtlpEndpoint)
{
    public const string MetricsEnabledKey = "OpenTelemetry:Metrics:Enabled";
    public const string OtlpEndpointKey = "OpenTelemetry:Otlp:Endpoint";
    public const string StandardOtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var enabledText = configuration[MetricsEnabledKey];
        var enabled = true;
        if (!string.IsNullOrWhiteSpace(enabledText) && !bool.TryParse(enabledText, out enabled))
            throw new ArgumentException($"{MetricsEnabledKey} must be true or false, not '{enabledText}'");

        var (key, endpointText) = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey])
            ? (OtlpEndpointKey, configuration[OtlpEndpointKey])
            : (StandardOtlpEndpointKey, configuration[StandardOtlpEndpointKey]);
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(endpointText))
            // The exporter itself would log a warning and send to localhost instead; "collector:4317" even parses as a URI.
            endpoint = Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
                ? uri
                : throw new ArgumentException($"{key} must be an absolute http(s) URL such as http://127.0.0.1:4317, not '{endpointText}'");
        return new TelemetrySettings(enabled, endpoint);
    }
}
