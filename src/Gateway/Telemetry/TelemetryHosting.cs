using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orders.Actors.Telemetry;

namespace Orders.Gateway.Telemetry;

public static class TelemetryHosting
{
    /// <summary>
    /// The order system's meter, and (unless turned off) OpenTelemetry collecting it with ASP.NET Core's, Kestrel's and
    /// the runtime's own, for the Prometheus endpoint and, when an endpoint is configured, OTLP.
    /// </summary>
    public static void AddOrderTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings)
    {
        // Always there: an instrument nobody listens to costs a branch per measurement.
        builder.Services.AddSingleton<OrderMetrics>();
        if (!settings.MetricsEnabled) return;
        // This host's order meter only (MeterScope.Local, through the host's meter factory): nodes sharing one process,
        // as in the specs, keep their own counts. AddMeter would subscribe by name, process-wide.
        builder.Metrics.EnableMetrics(OrderMetrics.MeterName, instrumentName: null, listenerName: "OpenTelemetry", scopes: MeterScope.Local);
        builder.Services.AddHostedService<ReadModelGauges>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orders-gateway"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter();
                if (settings.OtlpMetricsEndpoint is { } endpoint)
                    metrics.AddOtlpExporter(otlp =>
                    {
                        otlp.Protocol = settings.OtlpProtocol;
                        otlp.Endpoint = endpoint;
                    });
            });
    }
}
