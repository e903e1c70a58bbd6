using System.Diagnostics;
using System.Net.Http.Json;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway;
using Orders.Gateway.Rest;
using Orders.Actors.Simulation;

namespace Orders.Bench.Target;

/// <summary>
/// The gateway under test: one this process starts (a fresh database, providers set by the scenario), or an existing
/// one given by its gRPC and REST addresses. Either way it is driven over real gRPC and configured over REST.
/// </summary>
public sealed class BenchTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly GrpcChannel _channel;

    private BenchTarget(Uri grpc, Uri rest, string description, WebApplication? app, BenchDatabase? database)
    {
        _app = app;
        Database = database;
        Description = description;
        // Several HTTP/2 connections: one connection's stream limit (100) would cap a closed loop of 256 callers. No trace
        // context goes out: the bench is a client from outside, even when the node runs in its process, where the node's
        // HttpClient instrumentation would otherwise send an unsampled span's context and switch the node's tracing off.
        _channel = GrpcChannel.ForAddress(grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan, ActivityHeadersPropagator = null },
        });
        Client = new OrderService.OrderServiceClient(_channel);
        Admin = new Contracts.Admin.V1.AdminService.AdminServiceClient(_channel);
        Rest = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = rest, Timeout = TimeSpan.FromSeconds(30) };
    }

    public OrderService.OrderServiceClient Client { get; }
    /// <summary>The operator's API (what the `orders` CLI calls); a --target node must be on loopback or be given no token.</summary>
    public Contracts.Admin.V1.AdminService.AdminServiceClient Admin { get; }
    public HttpClient Rest { get; }
    public BenchDatabase? Database { get; }
    public string Description { get; }
    public bool InProcess => _app is not null;

    /// <summary>Exports every span the in-process node has ended so far (false: none to flush, or not all went out in time).</summary>
    public bool FlushSpans() => _app?.Services.GetService<TracerProvider>()?.ForceFlush(10_000) ?? false;

    public static async Task<BenchTarget> StartAsync(DatabaseKind kind, string? postgresAdmin, string profile, IEnumerable<string> settings)
    {
        var database = new BenchDatabase(kind, postgresAdmin);
        var app = GatewayHost.Build([
            "--Gateway:GrpcPort=0", "--Gateway:HttpPort=0", $"--Orders:SimulationProfile={profile}",
            $"--Orders:InitialStock:{Load.OrderFlow.Sku}=1000000000", "--Logging:LogLevel:Default=Warning", "--Orders:AkkaLogLevel=WARNING",
            "--Orders:Webhooks:Secret=bench", .. database.GatewaySettings, .. settings]);
        await app.StartAsync();
        var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
        var target = new BenchTarget(endpoints.GrpcAddress, endpoints.HttpAddress, $"in-process gateway on {database.Name}, {profile} providers", app, database);
        await target.WaitUntilReadyAsync();
        return target;
    }

    public static async Task<BenchTarget> ConnectAsync(Uri grpc, Uri rest)
    {
        var target = new BenchTarget(grpc, rest, $"gateway at {grpc} (REST {rest})", null, null);
        await target.WaitUntilReadyAsync();
        return target;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await Rest.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Description} did not become ready within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Changes a simulated provider through the gateway's REST API (the same call an operator makes).</summary>
    public async Task SimulateAsync(ProviderKind provider, SimulationSettings settings)
    {
        using var response = await Rest.PutAsJsonAsync($"/v1/simulations/{provider.ToString().ToLowerInvariant()}", settings, RestJson.Options);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the gateway refused the {provider} simulation: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// JIT, connection pools, and the allocation of every order shard happen before anything is measured; the warm-up
    /// orders are waited for, so their fire-and-forget steps do not run into the first measured seconds.
    /// </summary>
    public async Task WarmUpAsync(int orders, int concurrency)
    {
        var flow = new Load.OrderFlow(Client, $"warm-{Guid.NewGuid():N}"[..16]);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= orders)
                await flow.PlaceAsync(n, ResponseMode.Accepted, TimeSpan.FromSeconds(30));
        }));
        await flow.WaitForAllAsync(TimeSpan.FromSeconds(120));
    }

    public static ResourceSample Sample()
    {
        using var self = Process.GetCurrentProcess();
        return new ResourceSample(self.TotalProcessorTime, self.WorkingSet64, self.PeakWorkingSet64,
            GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(2), DateTime.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        Rest.Dispose();
        if (_app is not null)
        {
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
        Database?.Dispose();
    }
}

public sealed record ResourceSample(TimeSpan Cpu, long RssBytes, long PeakRssBytes, long AllocatedBytes, TimeSpan GcPause, int Gen2Collections, DateTime Timestamp);
