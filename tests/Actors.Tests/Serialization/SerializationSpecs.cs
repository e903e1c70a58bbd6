using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Orders.Actors.Analytics;
using Orders.Actors.Inventory;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Serialization;
using Orders.Actors.Services;
using Orders.Actors.Workflows;
using Orders.Actors.Tests.Support;
using Orders.Actors.Simulation;
using static Orders.Actors.Inventory.InventoryCommands;
using static Orders.Actors.Inventory.InventoryEvents;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Serialization;

public sealed class SerializationSpecs() : Akka.TestKit.Xunit2.TestKit("""
    akka.actor {
      serializers.orders = "Orders.Actors.Serialization.OrderSystemSerializer, Orders.Actors"
      serialization-bindings { "Orders.Actors.Messaging.IOrderSystemMessage, Orders.Actors" = orders }
      serialization-identifiers { "Orders.Actors.Serialization.OrderSystemSerializer, Orders.Actors" = 4242 }
    }
    """)
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly MessageContext Ctx = new("corr-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");
    private static readonly StepId Ship = new(StepKind.CreateShipment);
    private static readonly StepId Reserve = new(StepKind.ReserveStock, "SKU-1");

    private IEnumerable<object> Samples()
    {
        var details = TestOrders.Details() with { CallbackUrl = "http://127.0.0.1:9000/hook" };
        var state = OrderState.Empty("o-1").Apply(new OrderPlaced("o-1", details, ResponseMode.Sync, "c", "tp", T))
            .Apply(new PaymentAuthorized("o-1", "auth", 1999, "EUR", T)).Apply(new StepSucceeded("o-1", Reserve, "ok", T));
        var view = state.ToView();
        yield return new PlaceOrder("o-1", details, ResponseMode.Accepted, Ctx);
        yield return new GetOrder("o-1", Ctx);
        yield return new CancelOrder("o-1", "changed my mind", Ctx);
        yield return new ReplayParkedSteps("o-1", Ctx);
        yield return new WatchOrder("o-1", TestActor, Ctx);
        yield return new UnwatchOrder("o-1", TestActor, Ctx);
        yield return StopForHandOff.Instance;
        yield return view;
        yield return view.Steps[0];
        yield return new CommandRejected("o-1", RejectionCode.Conflict, "different body");
        yield return new OrderPlaced("o-1", details, ResponseMode.Hybrid, "c", "tp", T);
        yield return new PaymentAuthorized("o-1", "auth", 1999, "EUR", T);
        yield return new PaymentDeclined("o-1", "declined", T);
        yield return new PaymentRejected("o-1", "timeout", T);
        yield return new PaymentAttemptFailed("o-1", 2, "503", T.AddSeconds(1), T);
        yield return new PaymentAuthorized("o-1", "auth", 1999, "EUR", T, Attempts: 3);
        yield return new StepSucceeded("o-1", Reserve, "ok", T);
        yield return new StepFailed("o-1", Reserve, "out of stock", T);
        yield return new StepParked("o-1", Ship, 12, "down", T);
        yield return new StepParked("o-1", Ship, 12, "down", T, LastSentAt: T.AddSeconds(-1));
        yield return new StepAttemptFailed("o-1", Ship, 3, T.AddSeconds(-1), "down", T.AddSeconds(4), T);
        yield return new StepSucceeded("o-1", Ship, "sent", T, Attempts: 4, SentAt: T.AddSeconds(-1));
        yield return new ReplayParkedSteps("o-1", Ctx, Steps: new[] { "email" });
        yield return new StepUnparked("o-1", Ship, T);
        yield return new CompensationStarted("o-1", "out of stock", true, T);
        yield return new OrderCompleted("o-1", 1999, "EUR", T);
        yield return new OrderCancelled("o-1", "cancelled", 1999, "EUR", T);
        yield return new PerformStep("o-1", Reserve, details, "auth", TestActor, Ctx);
        yield return new StepOutcome("o-1", Ship, StepOutcomeKind.Transient, "down", T, Ctx);
        yield return new ServiceRecovered("o-1", Ship, "warehouse", true, Ctx);
        yield return new AuthorizePayment("o-1", 1999, "EUR", "tok", Ctx);
        yield return new PaymentApproved("o-1", "auth");
        yield return new PaymentRefused("o-1", "declined");
        yield return new PaymentError("o-1", "503");
        yield return new PaymentUnavailable("o-1", "backing off", T);
        yield return GetServiceHealth.Instance;
        yield return new ServiceHealth("email", ServiceState.BackingOff, T, T.AddSeconds(2), 3, 5, "down");
        yield return new SetStock("SKU-1", 10, Ctx);
        yield return new GetStock("SKU-1", Ctx);
        yield return new SeedStock("SKU-1", 100, Ctx);
        yield return new StockLevel("SKU-1", 10, 2, 3, true);
        yield return new StockLevelSet("SKU-1", 10);
        yield return new StockReserved("SKU-1", "o-1", 2);
        yield return new ReservationRefused("SKU-1", "o-1", 2, 1);
        yield return new StockReleased("SKU-1", "o-1", 2);
        yield return new ReservationVoided("SKU-1", "o-1");
        yield return InventoryState.Empty("SKU-1").Apply(new StockLevelSet("SKU-1", 3)).Apply(new StockReserved("SKU-1", "o-1", 1));
        yield return GetAnalytics.Instance;
        yield return new ReplayAnalyticsFrom(42);
        var analytics = AnalyticsState.Start(7).Count(new OrderPlaced("o-1", details, ResponseMode.Hybrid, "c", "tp", T)).Count(new OrderCompleted("o-1", 1999, "EUR", T));
        yield return analytics;
        yield return new AnalyticsEvents.AnalyticsBatchApplied(analytics);
        yield return new AnalyticsEvents.AnalyticsReset(0);
        yield return new ProviderControlProtocol.ConfigureSimulation(ProviderKind.Email, SimulationSettings.SeedDefault(ProviderKind.Email).WithOutage(T, TimeSpan.FromSeconds(30)));
        yield return ProviderControlProtocol.GetSimulations.Instance;
        yield return new ProviderControlProtocol.FailNextCalls(ProviderKind.Payment, 2);
        yield return new ProviderControlProtocol.Simulations(new Dictionary<ProviderKind, SimulationSettings> { [ProviderKind.Payment] = new(400, 10, 0.1, null, 10_000) });
        yield return new ProviderControlProtocol.SimulationRejected(ProviderKind.Payment, "bad");
    }

    [Fact]
    public void Every_message_and_event_type_has_a_stable_manifest()
    {
        var types = typeof(IOrderSystemMessage).Assembly.GetTypes()
            .Where(t => typeof(IOrderSystemMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false });
        var missing = types.Where(t => !Manifests.ByType.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, $"no manifest for: {string.Join(", ", missing)}");
        Assert.Equal(Manifests.ByType.Count, Manifests.ByManifest.Count);
    }

    [Fact]
    public void The_samples_cover_every_registered_type()
    {
        var sampled = Samples().Select(s => s.GetType()).ToHashSet();
        var unsampled = Manifests.ByType.Keys.Where(t => !sampled.Contains(t)).Select(t => t.Name).ToList();
        Assert.True(unsampled.Count == 0, $"no round-trip sample for: {string.Join(", ", unsampled)}");
    }

    [Fact]
    public void Every_type_round_trips_through_the_configured_serializer_without_type_names()
    {
        var serialization = Sys.Serialization;
        foreach (var sample in Samples())
        {
            var serializer = serialization.FindSerializerFor(sample);
            Assert.IsType<OrderSystemSerializer>(serializer);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
            var bytes = serializer.ToBinary(sample);
            Assert.DoesNotContain("Orders.Actors", Encoding.UTF8.GetString(bytes));

            var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);
            Assert.IsType(sample.GetType(), back);
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
        }
    }

    [Fact]
    public void Actor_references_and_step_ids_survive_the_trip()
    {
        var step = new PerformStep("o-1", Reserve, TestOrders.Details(), null, TestActor, Ctx);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(step);
        var back = (PerformStep)serializer.FromBinary(serializer.ToBinary(step), serializer.Manifest(step));
        Assert.Equal(TestActor, back.ReplyTo);
        Assert.Equal(Reserve, back.Step);
        Assert.Equal(step.Order, back.Order);
        Assert.Equal(Ctx, back.Context);
        // What a request derives (its workflow, instance, callback) is not on the wire: the format is the previous build's.
        var fields = System.Text.Json.JsonDocument.Parse(serializer.ToBinary(step)).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.All(new[] { "workflow", "instanceId", "callbackUrl" }, field => Assert.DoesNotContain(field, fields));
        Assert.Contains("idempotencyKey", fields);
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(GetAnalytics.Instance);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "order.nonsense.v9"));
        Assert.Contains("order.nonsense.v9", error.Message);
    }
}
