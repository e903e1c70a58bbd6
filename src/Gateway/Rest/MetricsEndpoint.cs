using Microsoft.AspNetCore.Builder;
using Orders.Gateway.Application;
using Orders.Gateway.Security;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Rest;

public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// Prometheus text format at /metrics, for operators only (the admin API's rule: a loopback caller on a node without
    /// an admin token, or the admin token as a bearer), checked before anything is collected.
    /// </summary>
    public static void MapMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            var access = http.RequestServices.GetRequiredService<CallerAccess>();
            try
            {
                access.RequireOperator(CallerAccess.Identify(http), "reading the metrics");
            }
            catch (OrderApiException refused)
            {
                await Problems.WriteAsync(http, refused);
                return;
            }
            await next(http);
        }), optionsName: null);
}
