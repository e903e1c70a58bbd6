using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Simulation;

namespace Orders.Actors.Tests.Support;

public static class TestOrders
{
    public static OrderDetails Details(string sku = "SKU-1", int quantity = 1, long unitPrice = 1999, string token = "tok_visa", string email = "ada@example.com") =>
        new(email, [new OrderLine(sku, quantity, unitPrice)], "EUR", token);

    public static string NewId(string prefix = "o") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>The seed's shape at a tenth of its latencies: payment 40, inventory 20, warehouse 30, email 80, analytics 15 ms.</summary>
    public static SimulatedProviders ScaledSeedProviders(double scale = 0.1) =>
        new(kind => SimulationSettings.SeedDefault(kind) with { LatencyMs = SimulationSettings.SeedDefault(kind).LatencyMs * scale });
}
