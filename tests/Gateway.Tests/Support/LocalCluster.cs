using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orders.Actors.Hosting;
using Orders.Actors.Providers;
using Orders.Actors.Tests.Support;
using Orders.Gateway.Simulator;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Support;

/// <summary>
/// Three gateway nodes as real OS processes on loopback, one Akka.Cluster on a fresh PostgreSQL database, calling one
/// provider simulator that runs in the test so its ledgers (charges, emails, shipments) can be checked afterwards.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly WebApplication _simulator;
    private readonly string _directory;

    private LocalCluster(TestDatabase database, WebApplication simulator, SimulatedProviders providers, string directory, GatewayProcess[] nodes, int[] remoting)
    {
        RemotingPorts = remoting;
        _database = database;
        _simulator = simulator;
        _directory = directory;
        Providers = providers;
        Nodes = nodes;
    }

    public SimulatedProviders Providers { get; }
    public GatewayProcess[] Nodes { get; }
    /// <summary>Each node's Akka.Remote port, in the order of <see cref="Nodes"/>: its member address is akka.tcp://orders@127.0.0.1:port.</summary>
    public int[] RemotingPorts { get; }

    public static async Task<LocalCluster> StartAsync(IReadOnlyDictionary<string, long> stock, Func<ProviderKind, SimulationSettings> latencies, params string[] settings)
    {
        var database = new TestDatabase(PersistenceProvider.PostgreSql);
        var providers = new SimulatedProviders(latencies);
        var simulator = ProviderSimulatorHost.Build(["--Simulator:Port=0", "--Logging:LogLevel:Default=Warning"], providers);
        await simulator.StartAsync();
        var simulatorUrl = simulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var directory = Path.Combine(Path.GetTempPath(), "orders-cluster-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var remoting = new[] { GatewayProcess.FreePort(), GatewayProcess.FreePort(), GatewayProcess.FreePort() };
        string[] common =
        [
            "--Orders:Persistence:Provider=PostgreSql",
            $"--Orders:Persistence:ConnectionString={database.Options().ConnectionString}",
            $"--Orders:ProviderSimulatorUrl={simulatorUrl}",
            "--Orders:SimulationProfile=instant",
            $"--Orders:Node:SeedNodes:0=akka.tcp://orders@127.0.0.1:{remoting[0]}",
            $"--Orders:Node:SeedNodes:1=akka.tcp://orders@127.0.0.1:{remoting[1]}",
            .. stock.Select(s => $"--Orders:InitialStock:{s.Key}={s.Value}"),
            .. settings,
        ];
        var nodes = await Task.WhenAll(remoting.Select(port => GatewayProcess.StartInAsync(directory,
            GatewayProcess.FreePort(), GatewayProcess.FreePort(), [.. common, $"--Orders:Node:Port={port}"])));
        var cluster = new LocalCluster(database, simulator, providers, directory, nodes, remoting);
        await cluster.WaitForMembersAsync(nodes, 3, TimeSpan.FromSeconds(60));
        return cluster;
    }

    /// <summary>Members Up as the given nodes see them (from their readiness report).</summary>
    public static async Task<int?> MembersUpAsync(GatewayProcess node)
    {
        try
        {
            using var response = await node.Http.GetAsync("/health/ready");
            if (!response.IsSuccessStatusCode) return null;
            var health = await response.Content.ReadFromJsonAsync<JsonElement>();
            return health.GetProperty("checks").GetProperty("ready").GetProperty("data").GetProperty("membersUp").GetInt32();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public async Task WaitForMembersAsync(IEnumerable<GatewayProcess> nodes, int members, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        foreach (var node in nodes)
            while ((await MembersUpAsync(node)) != members)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the cluster did not reach {members} members Up within {within}:\n{node.Log}");
                await Task.Delay(250);
            }
    }

    public async Task<(long Available, long Allocated)> StockAsync(GatewayProcess node, string sku)
    {
        var level = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/inventory/{sku}");
        return (level.GetProperty("available").GetInt64(), level.GetProperty("allocated").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        await _simulator.DisposeAsync();
        _database.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
