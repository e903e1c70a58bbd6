using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests.Security;

/// <summary>Nodes that share the cluster's certificate form a cluster over mutual TLS; a node with any other certificate cannot join.</summary>
public sealed class RemotingTlsSpecs
{
    [Fact]
    public async Task Only_nodes_presenting_the_clusters_certificate_join()
    {
        var (clusterCert, _) = TestCertificates.Create("CN=orders-cluster");
        var (strangerCert, _) = TestCertificates.Create("CN=orders-cluster");
        var database = GatewayServer.NewDatabasePath();
        var seedPort = GatewayProcess.FreePort();
        string[] Node(int port, string certificate) =>
        [
            $"--Orders:Node:Port={port}", $"--Orders:Node:SeedNodes:0=akka.ssl.tcp://orders@127.0.0.1:{seedPort}",
            $"--Orders:Node:Tls:CertificatePath={certificate}", $"--Orders:Node:Tls:CertificatePassword={TestCertificates.Password}",
        ];
        try
        {
            await using var first = await GatewayServer.StartAsync(null, database, Node(seedPort, clusterCert));
            await using var second = await GatewayServer.StartAsync(null, database, Node(GatewayProcess.FreePort(), clusterCert));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await MembersUpAsync(first) < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.Equal(2, await MembersUpAsync(first));

            var stranger = GatewayHost.Build(["--Gateway:GrpcPort=0", "--Gateway:HttpPort=0", $"--Orders:Persistence:SqlitePath={database}",
                "--Logging:LogLevel:Default=Warning", .. Node(GatewayProcess.FreePort(), strangerCert)]);
            var strangerSystem = stranger.Services.GetRequiredService<ActorSystem>();
            try
            {
                // Refused by the cluster, the stranger may shut itself down, sometimes before its own start has finished:
                // then its start fails (InvalidOperationException) or is cancelled mid-way (Kestrel's bind: TaskCanceledException).
                try
                {
                    await stranger.StartAsync();
                }
                catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
                {
                    await Task.WhenAny(strangerSystem.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(10)));
                    Assert.True(strangerSystem.WhenTerminated.IsCompleted, $"the stranger failed to start, and not because it shut down: {e}");
                }
                await Task.WhenAny(strangerSystem.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(8)));
                Assert.True(strangerSystem.WhenTerminated.IsCompleted || Cluster.Get(strangerSystem).SelfMember.Status != MemberStatus.Up,
                    "a node with another certificate joined the cluster");
                Assert.Equal(2, await MembersUpAsync(first));
            }
            finally
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await stranger.StopAsync(stop.Token);
                await stranger.DisposeAsync();
            }
        }
        finally
        {
            File.Delete(clusterCert);
            File.Delete(strangerCert);
        }
    }

    private static async Task<int> MembersUpAsync(GatewayServer node)
    {
        var health = await node.Http.GetFromJsonAsync<JsonElement>("/health/ready");
        return health.GetProperty("checks").GetProperty("ready").GetProperty("data").GetProperty("membersUp").GetInt32();
    }
}
