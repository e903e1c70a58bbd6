using Orders.Actors.Analytics;
using Orders.Actors.Inventory;
using Orders.Actors.Providers;
using Orders.Actors.Services;
using Orders.Actors.Workflows;
using Orders.Actors.Simulation;
using Orders.Actors.Orders;
using static Orders.Actors.Inventory.InventoryCommands;
using static Orders.Actors.Inventory.InventoryEvents;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Serialization;

/// <summary>
/// Stable names for everything that is stored or crosses nodes. A manifest never changes meaning once used:
/// a new shape of a type gets a new manifest (".v2") and the old one keeps reading old rows.
/// </summary>
public static class Manifests
{
    public static readonly IReadOnlyDictionary<Type, string> ByType = new Dictionary<Type, string>
    {
        // order commands and replies
        [typeof(PlaceOrder)] = "order.place.v1",
        [typeof(GetOrder)] = "order.get.v1",
        [typeof(CancelOrder)] = "order.cancel.v1",
        [typeof(ReplayParkedSteps)] = "order.replay-parked.v1",
        [typeof(WatchOrder)] = "order.watch.v1",
        [typeof(UnwatchOrder)] = "order.unwatch.v1",
        [typeof(StopForHandOff)] = "order.stop-for-handoff.v1",
        [typeof(OrderView)] = "order.view.v1",
        [typeof(StepView)] = "order.step-view.v1",
        [typeof(CommandRejected)] = "order.rejected.v1",
        // order events and snapshot
        [typeof(OrderPlaced)] = "order.placed.v1",
        [typeof(PaymentAuthorized)] = "order.payment-authorized.v1",
        [typeof(PaymentDeclined)] = "order.payment-declined.v1",
        [typeof(PaymentRejected)] = "order.payment-rejected.v1",
        [typeof(StepSucceeded)] = "order.step-succeeded.v1",
        [typeof(StepFailed)] = "order.step-failed.v1",
        [typeof(StepParked)] = "order.step-parked.v1",
        [typeof(StepUnparked)] = "order.step-unparked.v1",
        [typeof(StepAttemptFailed)] = "order.step-attempt-failed.v1",
        [typeof(PaymentAttemptFailed)] = "order.payment-attempt-failed.v1",
        [typeof(CompensationStarted)] = "order.compensation-started.v1",
        [typeof(OrderCompleted)] = "order.completed.v1",
        [typeof(OrderCancelled)] = "order.cancelled.v1",
        // services
        [typeof(PerformStep)] = "step.perform.v1",
        [typeof(StepOutcome)] = "step.outcome.v1",
        [typeof(ServiceRecovered)] = "step.service-recovered.v1",
        [typeof(AuthorizePayment)] = "payment.authorize.v1",
        [typeof(PaymentApproved)] = "payment.approved.v1",
        [typeof(PaymentRefused)] = "payment.refused.v1",
        [typeof(PaymentError)] = "payment.error.v1",
        [typeof(PaymentUnavailable)] = "payment.unavailable.v1",
        [typeof(GetServiceHealth)] = "service.get-health.v1",
        [typeof(ServiceHealth)] = "service.health.v1",
        // inventory
        [typeof(SetStock)] = "inventory.set-stock.v1",
        [typeof(GetStock)] = "inventory.get-stock.v1",
        [typeof(SeedStock)] = "inventory.seed-stock.v1",
        [typeof(StockLevel)] = "inventory.stock-level.v1",
        [typeof(StockLevelSet)] = "inventory.stock-level-set.v1",
        [typeof(StockReserved)] = "inventory.reserved.v1",
        [typeof(ReservationRefused)] = "inventory.refused.v1",
        [typeof(StockReleased)] = "inventory.released.v1",
        [typeof(ReservationVoided)] = "inventory.voided.v1",
        [typeof(InventoryState)] = "inventory.snapshot.v1",
        // analytics
        [typeof(GetAnalytics)] = "analytics.get.v1",
        [typeof(ReplayAnalyticsFrom)] = "analytics.replay-from.v1",
        [typeof(AnalyticsState)] = "analytics.state.v1",
        [typeof(AnalyticsEvents.AnalyticsBatchApplied)] = "analytics.batch-applied.v1",
        [typeof(AnalyticsEvents.AnalyticsReset)] = "analytics.reset.v1",
        // fault injection
        [typeof(ProviderControlProtocol.ConfigureSimulation)] = "simulation.configure.v1",
        [typeof(ProviderControlProtocol.GetSimulations)] = "simulation.get.v1",
        [typeof(ProviderControlProtocol.FailNextCalls)] = "simulation.fail-next.v1",
        [typeof(ProviderControlProtocol.Simulations)] = "simulation.settings.v1",
        [typeof(ProviderControlProtocol.SimulationRejected)] = "simulation.rejected.v1",
    };

    public static readonly IReadOnlyDictionary<string, Type> ByManifest = ByType.ToDictionary(kv => kv.Value, kv => kv.Key);
}
