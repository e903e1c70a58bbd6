using Orders.Gateway;

GatewayHost.Build(args).Run();
