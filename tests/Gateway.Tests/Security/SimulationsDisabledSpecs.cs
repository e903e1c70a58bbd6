using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orders.Actors.Providers;
using Orders.Contracts.V1;
using Orders.Gateway.Simulator;
using Orders.Gateway.Tests.Support;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Tests.Security;

/// <summary>Production mode: simulations off, fault injection gone, only the providers behind the configured URL.</summary>
public sealed class SimulationsDisabledSpecs
{
    [Fact]
    public void Without_real_providers_the_node_refuses_to_start_saying_what_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(["--Orders:Simulations:Enabled=false", "--Gateway:GrpcPort=0", "--Gateway:HttpPort=0"]));
        Assert.Contains("Orders:ProviderSimulatorUrl", error.Message);
    }

    [Fact]
    public async Task Fault_injection_is_not_there_and_orders_use_the_configured_providers()
    {
        var world = SimulatedProviders.Instant();
        await using var providers = ProviderSimulatorHost.Build(["--Simulator:Port=0", "--Logging:LogLevel:Default=Warning"], world);
        await providers.StartAsync();
        var url = providers.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var inProcess = SimulatedProviders.Instant();
        await using var server = await GatewayServer.StartAsync(inProcess, null, "--Orders:Simulations:Enabled=false", $"--Orders:ProviderSimulatorUrl={url}");

        using (var simulations = await server.Http.GetAsync("/v1/simulations")) Assert.Equal(HttpStatusCode.NotFound, simulations.StatusCode);
        var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Sync));
        Assert.Equal(OrderStatus.Completed, placed.Order.Status);
        Assert.Equal(1, world.Payment.ChargesFor(placed.Order.OrderId));
        Assert.Equal(0, inProcess.Payment.AuthorizeCalls);
    }
}
