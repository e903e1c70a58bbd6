namespace Orders.Gateway.Tests;

/// <summary>A setting that cannot mean anything sensible is refused at start, naming the setting, instead of silently meaning something else.</summary>
public sealed class SettingsValidationSpecs
{
    [Theory]
    [InlineData("--Gateway:ReleaseIdleHeapAboveMegabytes=-1", "Gateway:ReleaseIdleHeapAboveMegabytes")]
    [InlineData("--Gateway:AfterOutageFor=-00:00:01", "Gateway:AfterOutageFor")]
    [InlineData("--Gateway:AnswerWithinAfterOutage=00:00:00", "Gateway:AnswerWithinAfterOutage")]
    [InlineData("--Gateway:AnswerWithinAfterOutage=-00:00:00.500", "Gateway:AnswerWithinAfterOutage")]
    [InlineData("--OpenTelemetry:Metrics:Enabled=sometimes", "OpenTelemetry:Metrics:Enabled")]
    [InlineData("--OpenTelemetry:Tracing:Enabled=maybe", "OpenTelemetry:Tracing:Enabled")]
    [InlineData("--OpenTelemetry:Tracing:SampleRatio=1.5", "OpenTelemetry:Tracing:SampleRatio")]
    [InlineData("--OpenTelemetry:Tracing:SampleRatio=half", "OpenTelemetry:Tracing:SampleRatio")]
    [InlineData("--OpenTelemetry:Otlp:Endpoint=collector:4317", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("--OpenTelemetry:Otlp:Endpoint=/v1/metrics", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("--OpenTelemetry:Otlp:Protocol=http/json", "OpenTelemetry:Otlp:Protocol")]
    [InlineData("--OTEL_EXPORTER_OTLP_PROTOCOL=udp", "OTEL_EXPORTER_OTLP_PROTOCOL")]
    [InlineData("--OTEL_EXPORTER_OTLP_ENDPOINT=ftp://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    public void A_meaningless_setting_is_refused_at_start_naming_it(string setting, string name)
    {
        var refused = Assert.Throws<ArgumentException>(() => GatewayHost.Build(["--Gateway:GrpcPort=0", "--Gateway:HttpPort=0", setting]));
        Assert.Contains(name, refused.Message);
    }
}
