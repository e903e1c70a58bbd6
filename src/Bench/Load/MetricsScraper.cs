using System.Net;

namespace Orders.Bench.Load;

/// <summary>What a Prometheus scraping the node saw while the load ran; <see cref="Served"/> is false when metrics are off.</summary>
public sealed record ScrapeSummary(bool Served, int Scrapes, long LastBytes);

/// <summary>
/// Reads the node's /metrics at a fixed interval while a load runs, as Prometheus would: a throughput figure taken
/// with metrics on includes what serving them costs, not only what recording them costs.
/// </summary>
public static class MetricsScraper
{
    public static async Task<ScrapeSummary> RunAsync(HttpClient rest, TimeSpan every, CancellationToken stop)
    {
        var (scrapes, lastBytes) = (0, 0L);
        try
        {
            do
            {
                using var response = await rest.GetAsync("/metrics", stop);
                if (response.StatusCode == HttpStatusCode.NotFound) return new ScrapeSummary(false, 0, 0);
                response.EnsureSuccessStatusCode();
                lastBytes = (await response.Content.ReadAsByteArrayAsync(stop)).LongLength;
                scrapes++;
                await Task.Delay(every, stop);
            } while (true);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new ScrapeSummary(true, scrapes, lastBytes);
        }
    }
}
