using Orders.Gateway;
using Orders.Gateway.Simulator;

if (args.Length > 0 && args[0] == ProviderSimulatorHost.Command)
    ProviderSimulatorHost.Build(args[1..]).Run();
else
    GatewayHost.Build(args).Run();
