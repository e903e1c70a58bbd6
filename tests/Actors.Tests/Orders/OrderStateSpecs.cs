using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Tests.Support;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Orders;

/// <summary>The order state machine on its own: no actor system, no clock, no I/O.</summary>
public sealed class OrderStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly StepId Reserve = new(StepKind.ReserveStock, "SKU-1");
    private static readonly StepId Ship = new(StepKind.CreateShipment);
    private static readonly StepId Confirm = new(StepKind.SendConfirmation);
    private static readonly StepId Analytics = new(StepKind.RecordAnalytics);

    private static OrderState Run(OrderState state, OrderDecision decision)
    {
        Assert.False(decision.IsRejected, decision.Rejection?.Reason);
        return decision.Events.Aggregate(state, (s, e) => s.Apply(e));
    }

    private static OrderState Placed(ResponseMode mode = ResponseMode.Hybrid, OrderDetails? details = null) =>
        Run(OrderState.Empty("o-1"), OrderState.Empty("o-1").Place(new PlaceOrder("o-1", details ?? TestOrders.Details(), mode, MessageContext.New()), T0));

    private static OrderState Confirmed(ResponseMode mode = ResponseMode.Hybrid)
    {
        var state = Placed(mode);
        return Run(state, state.RecordPayment(new PaymentDecision.Authorized("auth-1"), T0));
    }

    private static OrderState Fulfilling(ResponseMode mode = ResponseMode.Hybrid)
    {
        var state = Confirmed(mode);
        return Run(state, state.RecordStepSuccess(Reserve, "reserved", T0));
    }

    private static OrderState Completed()
    {
        var state = Fulfilling();
        state = Run(state, state.RecordStepSuccess(Ship, "shp", T0));
        return Run(state, state.RecordStepSuccess(Confirm, "msg", T0));
    }

    private static OrderState Compensating()
    {
        var state = Fulfilling();
        return Run(state, state.Cancel("changed my mind", T0));
    }

    private static OrderState Declined()
    {
        var state = Placed();
        return Run(state, state.RecordPayment(new PaymentDecision.Declined("no"), T0));
    }

    [Fact]
    public void Placing_records_the_order_and_waits_for_payment()
    {
        var state = Placed();
        Assert.Equal(OrderStatus.PaymentPending, state.Status);
        Assert.Equal(1, state.Version);
        Assert.Empty(state.DueSteps());
    }

    [Fact]
    public void Placing_the_same_order_again_changes_nothing()
    {
        var state = Placed();
        var again = state.Place(new PlaceOrder("o-1", TestOrders.Details(), ResponseMode.Sync, MessageContext.New()), T0);
        Assert.False(again.IsRejected);
        Assert.Empty(again.Events);
    }

    [Fact]
    public void Placing_a_different_body_under_an_existing_id_is_a_conflict()
    {
        var decision = Placed().Place(new PlaceOrder("o-1", TestOrders.Details(quantity: 2), ResponseMode.Hybrid, MessageContext.New()), T0);
        Assert.Equal(RejectionCode.Conflict, decision.Rejection!.Code);
        Assert.Contains("different body", decision.Rejection.Reason);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void An_invalid_order_is_rejected_naming_every_bad_field()
    {
        var details = new OrderDetails("not-an-email", [new OrderLine("", 0, -1)], "euro", "");
        var decision = OrderState.Empty("o-1").Place(new PlaceOrder("o-1", details, ResponseMode.Hybrid, MessageContext.New()), T0);
        Assert.Equal(RejectionCode.Invalid, decision.Rejection!.Code);
        foreach (var field in new[] { "customer_email", "currency", "payment_token", "items[0].sku", "items[0].quantity", "items[0].unit_price_minor" })
            Assert.Contains(field, decision.Rejection.Reason);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Authorized_payment_confirms_and_asks_for_stock_of_each_sku()
    {
        var details = new OrderDetails("ada@example.com", [new OrderLine("B", 1, 100), new OrderLine("A", 2, 100), new OrderLine("B", 3, 100)], "EUR", "tok");
        var placed = Placed(details: details);
        var state = Run(placed, placed.RecordPayment(new PaymentDecision.Authorized("auth-1"), T0));
        Assert.Equal(OrderStatus.Confirmed, state.Status);
        Assert.Equal([new StepId(StepKind.ReserveStock, "A"), new StepId(StepKind.ReserveStock, "B")], state.DueSteps());
        Assert.Equal([("A", 2), ("B", 4)], details.QuantitiesBySku());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_decline_or_a_failed_payment_ends_the_order(bool declined)
    {
        var placed = Placed();
        PaymentDecision decision = declined ? new PaymentDecision.Declined("insufficient funds") : new PaymentDecision.Failed("timeout");
        var state = Run(placed, placed.RecordPayment(decision, T0));
        Assert.Equal(declined ? OrderStatus.PaymentDeclined : OrderStatus.Rejected, state.Status);
        Assert.True(state.IsTerminal);
        // A decline is certain; a failure may hide a charge that went through, so it is voided by the same key.
        Assert.Equal(declined ? [] : [new StepId(StepKind.RefundPayment)], state.DueSteps());
    }

    [Fact]
    public void A_second_payment_answer_is_ignored()
    {
        var state = Confirmed();
        Assert.Empty(state.RecordPayment(new PaymentDecision.Declined("late"), T0).Events);
    }

    [Fact]
    public void Hybrid_fulfils_shipment_and_email_in_parallel_once_stock_is_reserved()
    {
        var state = Fulfilling();
        Assert.Equal(OrderStatus.Fulfilling, state.Status);
        Assert.Equal([Ship, Confirm], state.DueSteps());
    }

    [Fact]
    public void Sync_runs_one_step_at_a_time_and_logs_analytics_inline()
    {
        var state = Fulfilling(ResponseMode.Sync);
        Assert.Equal([Ship], state.DueSteps());
        state = Run(state, state.RecordStepSuccess(Ship, "shp", T0));
        Assert.Equal([Confirm], state.DueSteps());
        state = Run(state, state.RecordStepSuccess(Confirm, "msg", T0));
        Assert.Equal([Analytics], state.DueSteps());
        var last = state.RecordStepSuccess(Analytics, "ok", T0);
        Assert.IsType<OrderCompleted>(last.Events[^1]);
    }

    [Fact]
    public void The_last_step_completes_the_order_in_the_same_write()
    {
        var state = Fulfilling();
        state = Run(state, state.RecordStepSuccess(Ship, "shp", T0));
        var decision = state.RecordStepSuccess(Confirm, "msg", T0);
        Assert.Collection(decision.Events, e => Assert.IsType<StepSucceeded>(e), e => Assert.Equal(1999, Assert.IsType<OrderCompleted>(e).AmountMinor));
        Assert.Equal(OrderStatus.Completed, Run(state, decision).Status);
    }

    [Fact]
    public void A_duplicate_step_answer_records_nothing()
    {
        var state = Fulfilling();
        Assert.Empty(state.RecordStepSuccess(Reserve, "again", T0).Events);
        state = Run(state, state.RecordStepSuccess(Ship, "shp", T0));
        Assert.Empty(state.RecordStepSuccess(Ship, "shp", T0).Events);
    }

    [Fact]
    public void Out_of_stock_after_payment_compensates_refund_and_cancellation_email()
    {
        var state = Confirmed();
        var decision = state.RecordStepFailure(Reserve, "out of stock", T0);
        Assert.Collection(decision.Events, e => Assert.IsType<StepFailed>(e), e => Assert.False(Assert.IsType<CompensationStarted>(e).ShipmentMayExist));
        state = Run(state, decision);
        Assert.Equal(OrderStatus.Compensating, state.Status);
        Assert.Equal([new StepId(StepKind.RefundPayment), new StepId(StepKind.SendCancellation)], state.DueSteps());
    }

    [Fact]
    public void Cancelling_while_fulfilling_releases_stock_refunds_and_cancels_the_shipment()
    {
        var state = Compensating();
        Assert.Equal(OrderStatus.Compensating, state.Status);
        Assert.Equal(
            [new StepId(StepKind.ReleaseStock, "SKU-1"), new StepId(StepKind.RefundPayment), new StepId(StepKind.CancelShipment), new StepId(StepKind.SendCancellation)],
            state.DueSteps());
        foreach (var step in state.DueSteps().ToList())
            state = Run(state, state.RecordStepSuccess(step, "done", T0));
        Assert.Equal(OrderStatus.Cancelled, state.Status);
        Assert.Empty(state.DueSteps());
    }

    [Fact]
    public void Late_forward_answers_during_compensation_are_ignored()
    {
        var state = Compensating();
        Assert.Empty(state.RecordStepSuccess(Ship, "late", T0).Events);
        Assert.Empty(state.RecordStepFailure(Confirm, "late", T0).Events);
    }

    [Fact]
    public void A_refused_compensation_step_is_parked_for_an_operator()
    {
        var state = Compensating();
        var decision = state.RecordStepFailure(new StepId(StepKind.RefundPayment), "card closed", T0);
        Assert.Contains("card closed", Assert.IsType<StepParked>(Assert.Single(decision.Events)).LastError);
    }

    [Fact]
    public void A_parked_step_blocks_completion_until_replayed()
    {
        var state = Fulfilling();
        state = Run(state, state.Park(Confirm, 12, "email down", T0));
        Assert.Equal([Ship], state.DueSteps());
        state = Run(state, state.RecordStepSuccess(Ship, "shp", T0));
        Assert.Equal(OrderStatus.Fulfilling, state.Status);
        Assert.True(state.HasParkedSteps);

        state = Run(state, state.ReplayParked(T0));
        Assert.Equal([Confirm], state.DueSteps());
        state = Run(state, state.RecordStepSuccess(Confirm, "msg", T0));
        Assert.Equal(OrderStatus.Completed, state.Status);
    }

    [Fact]
    public void Parking_a_step_that_is_not_due_records_nothing()
    {
        Assert.Empty(Fulfilling().Park(Reserve, 3, "x", T0).Events);
    }

    public static TheoryData<string, string> IllegalCancellations => new()
    {
        { "missing", "does not exist" },
        { "pending", "still being decided" },
        { "completed", "can no longer be cancelled" },
        { "declined", "never paid" },
    };

    [Theory]
    [MemberData(nameof(IllegalCancellations))]
    public void Cancelling_where_the_state_machine_forbids_it_is_rejected_with_the_reason(string where, string reason)
    {
        var state = where switch
        {
            "missing" => OrderState.Empty("o-1"),
            "pending" => Placed(),
            "completed" => Completed(),
            _ => Declined(),
        };
        var decision = state.Cancel("please", T0);
        Assert.True(decision.IsRejected);
        Assert.Contains(reason, decision.Rejection!.Reason);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Cancelling_twice_is_harmless()
    {
        var decision = Compensating().Cancel("again", T0);
        Assert.False(decision.IsRejected);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Replaying_without_parked_steps_is_rejected()
    {
        var decision = Fulfilling().ReplayParked(T0);
        Assert.Equal(RejectionCode.IllegalTransition, decision.Rejection!.Code);
        Assert.Contains("no parked steps", decision.Rejection.Reason);
    }

    [Theory]
    [InlineData(ResponseMode.Accepted, "pending")]
    [InlineData(ResponseMode.Hybrid, "confirmed")]
    [InlineData(ResponseMode.Sync, "completed")]
    public void Each_mode_is_answered_at_its_own_point(ResponseMode mode, string earliest)
    {
        var states = new (string Name, OrderState State)[] { ("pending", Placed(mode)), ("confirmed", Confirmed(mode)), ("completed", Completed()) };
        var first = states.First(s => s.State.ReplyReady(mode)).Name;
        Assert.Equal(earliest, first);
    }

    [Fact]
    public void Each_status_change_is_announced_to_the_callback_url_one_at_a_time_in_order()
    {
        var withCallback = TestOrders.Details() with { CallbackUrl = "http://127.0.0.1:9999/hooks" };
        var state = Placed(details: withCallback);
        var pending = new StepId(StepKind.NotifyWebhook, "PaymentPending");
        Assert.Equal([pending], state.DueSteps());

        state = Run(state, state.RecordPayment(new PaymentDecision.Authorized("auth-1"), T0.AddSeconds(1)));
        Assert.Equal([Reserve, pending], state.DueSteps());
        Assert.Equal(T0.AddSeconds(1), state.EnteredAt(OrderStatus.Confirmed));

        state = Run(state, state.RecordStepSuccess(pending, "delivered", T0));
        Assert.Equal([Reserve, new StepId(StepKind.NotifyWebhook, "Confirmed")], state.DueSteps());
    }

    [Fact]
    public void A_refused_webhook_is_parked_and_never_undoes_the_order()
    {
        var state = Placed(details: TestOrders.Details() with { CallbackUrl = "http://127.0.0.1:9999/hooks" });
        var decision = state.RecordStepFailure(new StepId(StepKind.NotifyWebhook, "PaymentPending"), "callback answered 410", T0);
        Assert.IsType<StepParked>(Assert.Single(decision.Events));
        Assert.Equal(OrderStatus.PaymentPending, Run(state, decision).Status);
    }

    [Fact]
    public void A_terminal_order_with_an_unsent_notification_is_not_settled()
    {
        var state = Placed(details: TestOrders.Details() with { CallbackUrl = "http://127.0.0.1:9999/hooks" });
        state = Run(state, state.RecordStepSuccess(new StepId(StepKind.NotifyWebhook, "PaymentPending"), "ok", T0));
        state = Run(state, state.RecordPayment(new PaymentDecision.Declined("no"), T0));
        Assert.True(state.IsTerminal);
        Assert.False(state.IsSettled);
        state = Run(state, state.RecordStepSuccess(new StepId(StepKind.NotifyWebhook, "PaymentDeclined"), "ok", T0));
        Assert.True(state.IsSettled);
    }

    [Fact]
    public void Recovery_from_events_rebuilds_the_same_state()
    {
        var state = Fulfilling();
        var events = new List<IOrderEvent>
        {
            new OrderPlaced("o-1", TestOrders.Details(), ResponseMode.Hybrid, "c", "tp", T0),
            new PaymentAuthorized("o-1", "auth-1", 1999, "EUR", T0),
            new StepSucceeded("o-1", Reserve, "reserved", T0),
        };
        var rebuilt = events.Aggregate(OrderState.Empty("o-1"), (s, e) => s.Apply(e));
        Assert.Equal(state.Status, rebuilt.Status);
        Assert.Equal(state.Version, rebuilt.Version);
        Assert.Equal(state.DueSteps(), rebuilt.DueSteps());
    }
}
