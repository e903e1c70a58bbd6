namespace Orders.Actors.Providers;

/// <summary>The outside services a node calls, wherever they live: in this process, or behind the provider simulator.</summary>
public sealed record ProviderClients(IPaymentProvider Payment, IWarehouseProvider Warehouse, IEmailProvider Email, IAnalyticsProvider Analytics);
