using System.Text.Json;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Orders.Gateway.Tests;

/// <summary>A node process's JSON console: every line about an order carries its order id, correlation id and trace as fields.</summary>
public sealed class StructuredLogSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_json_line_about_an_order_carries_its_order_id_correlation_id_and_trace()
    {
        await using var node = await GatewayProcess.StartFreshAsync("--Logging:Console:FormatterName=json", "--Logging:LogLevel:Default=Information",
            "--Orders:Order:StepAttempts=3", "--Orders:Order:PaymentAttempts=6", "--Orders:Order:PaymentBackoffMin=00:00:00.400");
        var grpc = node.GrpcAddress;
        // The payment provider is away for a moment (the order retries it), the email provider for good (its confirmation parks).
        Assert.Equal(0, (await OrdersCli.RunAsync(grpc, "faults", "set", "email", "--outage", "10m")).ExitCode);
        Assert.Equal(0, (await OrdersCli.RunAsync(grpc, "faults", "set", "payment", "--outage", "1s")).ExitCode);
        var placed = (await node.Client.PlaceOrderAsync(GatewayServer.Order(mode: ResponseMode.Accepted))).Order;
        var order = await Poll.UntilAsync(() => node.Client.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId }).ResponseAsync,
            o => o.Steps.Any(s => s.State == StepStatus.Parked), "the confirmation never parked", TimeSpan.FromSeconds(60));
        Assert.False(string.IsNullOrEmpty(order.CorrelationId));

        var lines = await Poll.UntilAsync(() => Task.FromResult(LinesAbout(node.Log, order.OrderId)),
            l => l.Any(x => x.EventId == 1101) && l.Any(x => x.EventId == 1102), "the payment retry and the parking were not both logged", TimeSpan.FromSeconds(10));
        foreach (var line in lines) output.WriteLine(line.Raw);
        Assert.All(lines, line =>
        {
            Assert.True(line.Fields.GetValueOrDefault("order_id") == order.OrderId, $"no order_id {order.OrderId}: {line.Raw}");
            Assert.True(line.Fields.GetValueOrDefault("correlation_id") == order.CorrelationId, $"no correlation_id {order.CorrelationId}: {line.Raw}");
            Assert.True(line.Fields.GetValueOrDefault("trace_id") == order.TraceId, $"no trace_id {order.TraceId}: {line.Raw}");
            Assert.Matches("^[0-9a-f]{16}$", line.Fields.GetValueOrDefault("span_id") ?? "");
        });
        Assert.Contains(lines, l => l.Fields.GetValueOrDefault("Attempt") is not null); // the message's own values are fields too
    }

    private sealed record JsonLine(string Raw, int EventId, IReadOnlyDictionary<string, string?> Fields);

    /// <summary>The JSON lines that mention the order or carry its id: every field of their state and scopes, flattened.</summary>
    private static List<JsonLine> LinesAbout(string console, string orderId)
    {
        var lines = new List<JsonLine>();
        foreach (var raw in console.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{') && l.Contains(orderId, StringComparison.Ordinal)))
        {
            using var json = JsonDocument.Parse(raw);
            var fields = new Dictionary<string, string?>();
            if (json.RootElement.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.Object)
                foreach (var p in state.EnumerateObject()) fields[p.Name] = p.Value.ToString();
            if (json.RootElement.TryGetProperty("Scopes", out var scopes))
                foreach (var scope in scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object))
                    foreach (var p in scope.EnumerateObject()) fields[p.Name] = p.Value.ToString();
            lines.Add(new JsonLine(raw, json.RootElement.GetProperty("EventId").GetInt32(), fields));
        }
        return lines;
    }
}
