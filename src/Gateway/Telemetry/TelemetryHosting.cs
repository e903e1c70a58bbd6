using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;
using Orders.Actors.Telemetry;

namespace Orders.Gateway.Telemetry;

public static class TelemetryHosting
{
    /// <summary>
    /// The order system's meter, and (unless turned off) OpenTelemetry collecting it with ASP.NET Core's, Kestrel's and
    /// the runtime's own, for the Prometheus endpoint and, when an endpoint is configured, OTLP. Spans (the order
    /// system's, ASP.NET Core's and HttpClient's) are collected only when they have somewhere to go: an OTLP endpoint.
    /// </summary>
    public static void AddOrderTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings)
    {
        // Always there: an instrument nobody listens to costs a branch per measurement.
        builder.Services.AddSingleton<OrderMetrics>();
        var tracing = settings.TracingEnabled && settings.OtlpTracesEndpoint is not null;
        if (!settings.MetricsEnabled && !tracing) return;
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("orders-gateway"));
        if (settings.MetricsEnabled)
        {
            // This host's order meter only (MeterScope.Local, through the host's meter factory): nodes sharing one process,
            // as in the specs, keep their own counts. AddMeter would subscribe by name, process-wide.
            builder.Metrics.EnableMetrics(OrderMetrics.MeterName, instrumentName: null, listenerName: "OpenTelemetry", scopes: MeterScope.Local);
            builder.Services.AddHostedService<ReadModelGauges>();
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter();
                if (settings.OtlpMetricsEndpoint is { } endpoint) metrics.AddOtlpExporter(otlp => Export(otlp, settings, endpoint));
            });
        }
        if (tracing)
            // Parent-based: a caller's sampled flag is followed; a trace that starts here is kept at the configured ratio.
            // HttpClient's spans are the providers' and webhooks' calls, beneath the delivery that made them, and carry
            // its traceparent to the receiver. A call made outside any span (the work of an order that was not sampled, a
            // client sharing the node's process) is not recorded: it would be a trace of its own, cut off from its cause.
            // Npgsql's own spans (on PostgreSQL) go under the journal batch that ran the command.
            telemetry.WithTracing(traces => traces.AddSource(OrderTracing.SourceName, UnparentedDriverSpans.NpgsqlSource).AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = _ => Activity.Current?.Parent is not null)
                .AddProcessor(new UnparentedDriverSpans())
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
                .AddOtlpExporter(otlp => Export(otlp, settings, settings.OtlpTracesEndpoint!)));
    }

    private static void Export(OtlpExporterOptions otlp, TelemetrySettings settings, Uri endpoint)
    {
        otlp.Protocol = settings.OtlpProtocol;
        otlp.Endpoint = endpoint;
    }
}
