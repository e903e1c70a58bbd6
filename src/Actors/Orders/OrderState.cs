using System.Collections.Immutable;
using Orders.Actors.Messaging;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderEvents;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Orders;

/// <summary>
/// The order as a pure, immutable state machine: commands are decided into events, events are applied
/// into state. No I/O and no clock: the caller passes "now".
/// </summary>
public sealed record OrderState
{
    public required string OrderId { get; init; }
    public OrderStatus? Status { get; init; }
    public OrderDetails? Details { get; init; }
    public ResponseMode Mode { get; init; }
    public string CorrelationId { get; init; } = "";
    public string TraceParent { get; init; } = "";
    public string? AuthorizationId { get; init; }
    public string? Reason { get; init; }
    public bool ShipmentMayExist { get; init; }
    public ImmutableDictionary<StepId, StepRecord> Steps { get; init; } = ImmutableDictionary<StepId, StepRecord>.Empty;
    /// <summary>Due steps whose last delivery failed; a step leaves it when its outcome is recorded.</summary>
    public ImmutableDictionary<StepId, StepRetry> Retries { get; init; } = ImmutableDictionary<StepId, StepRetry>.Empty;
    public int PaymentAttempts { get; init; }
    public ImmutableList<StatusChange> History { get; init; } = ImmutableList<StatusChange>.Empty;
    public long Version { get; init; }
    public DateTimeOffset PlacedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public static OrderState Empty(string orderId) => new() { OrderId = orderId };

    public bool Exists => Status is not null;
    public bool IsTerminal => Status?.IsTerminal() ?? false;

    // ---- deciding ----

    public OrderDecision Place(PlaceOrder command, DateTimeOffset now)
    {
        if (Exists)
        {
            return Details!.Equals(command.Details)
                ? OrderDecision.Nothing
                : OrderDecision.Reject(OrderId, RejectionCode.Conflict,
                    $"order '{OrderId}' already exists with a different body; an order id can be used for one order only");
        }

        var problems = OrderValidation.Validate(command.Details);
        if (problems.Count > 0)
            return OrderDecision.Reject(OrderId, RejectionCode.Invalid, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")));

        return OrderDecision.Accept(new OrderPlaced(OrderId, command.Details, command.Mode,
            command.Context.CorrelationId, command.Context.TraceParent, now));
    }

    public OrderDecision Cancel(string reason, DateTimeOffset now) => Status switch
    {
        null => NotFound(),
        OrderStatus.Confirmed or OrderStatus.Fulfilling => OrderDecision.Accept(
            new CompensationStarted(OrderId, $"cancelled by request: {reason}", Status == OrderStatus.Fulfilling, now)),
        OrderStatus.Compensating or OrderStatus.Cancelled => OrderDecision.Nothing,
        OrderStatus.PaymentPending => Illegal("the payment is still being decided; cancel once the order is confirmed"),
        OrderStatus.Completed => Illegal("the order is completed and its shipment created; it can no longer be cancelled"),
        _ => Illegal("the order was never paid; there is nothing to cancel"),
    };

    public OrderDecision RecordPayment(PaymentDecision decision, DateTimeOffset now, int attempts = 0)
    {
        if (Status != OrderStatus.PaymentPending) return OrderDecision.Nothing;
        return decision switch
        {
            PaymentDecision.Authorized a => OrderDecision.Accept(new PaymentAuthorized(OrderId, a.AuthorizationId, Details!.TotalMinor, Details.Currency, now, attempts)),
            PaymentDecision.Declined d => OrderDecision.Accept(new PaymentDeclined(OrderId, d.Reason, now, attempts)),
            PaymentDecision.Failed f => OrderDecision.Accept(new PaymentRejected(OrderId, f.Reason, now, attempts)),
            _ => throw new ArgumentOutOfRangeException(nameof(decision)),
        };
    }

    public OrderDecision RecordPaymentAttemptFailure(int attempt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        Status == OrderStatus.PaymentPending
            ? OrderDecision.Accept(new PaymentAttemptFailed(OrderId, attempt, error, nextAttemptAt, now))
            : OrderDecision.Nothing;

    public OrderDecision RecordStepAttemptFailure(StepId step, int attempt, DateTimeOffset sentAt, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        DueSteps().Contains(step)
            ? OrderDecision.Accept(new StepAttemptFailed(OrderId, step, attempt, sentAt, error, nextAttemptAt, now))
            : OrderDecision.Nothing;

    public OrderDecision RecordStepSuccess(StepId step, string? detail, DateTimeOffset now, int attempts = 0, DateTimeOffset? sentAt = null)
    {
        if (!DueSteps().Contains(step)) return OrderDecision.Nothing;
        var succeeded = new StepSucceeded(OrderId, step, detail, now, attempts, sentAt);
        var next = Apply(succeeded);
        if (next.Status == OrderStatus.Fulfilling && next.ForwardSteps().All(s => next.HasSucceeded(s)))
            return OrderDecision.Accept(succeeded, new OrderCompleted(OrderId, Details!.TotalMinor, Details.Currency, now));
        if (next.Status == OrderStatus.Compensating && next.CompensationSteps().All(next.HasSucceeded))
            return OrderDecision.Accept(succeeded, new OrderCancelled(OrderId, Reason ?? "cancelled", AuthorizationId is null ? 0 : Details!.TotalMinor, Details!.Currency, now));
        return OrderDecision.Accept(succeeded);
    }

    public OrderDecision RecordStepFailure(StepId step, string reason, DateTimeOffset now, int attempts = 0, DateTimeOffset? sentAt = null)
    {
        if (!DueSteps().Contains(step)) return OrderDecision.Nothing;
        if (step.ParksOnRefusal)
            // An undo or a callback that the downstream refuses needs a person: park it where operators look.
            return OrderDecision.Accept(new StepParked(OrderId, step, attempts, $"refused: {reason}", now, sentAt));
        return OrderDecision.Accept(
            new StepFailed(OrderId, step, reason, now, attempts, sentAt),
            new CompensationStarted(OrderId, $"{step} failed: {reason}", Status == OrderStatus.Fulfilling, now));
    }

    public OrderDecision Park(StepId step, int attempts, string lastError, DateTimeOffset now, DateTimeOffset? lastSentAt = null) =>
        DueSteps().Contains(step) ? OrderDecision.Accept(new StepParked(OrderId, step, attempts, lastError, now, lastSentAt)) : OrderDecision.Nothing;

    /// <param name="only">Step names (internal or public spelling) to replay; null replays every parked step.</param>
    public OrderDecision ReplayParked(DateTimeOffset now, IReadOnlyList<string>? only = null)
    {
        if (!Exists) return NotFound();
        var parked = Steps.Where(s => s.Value.Status == StepStatus.Parked).Select(s => s.Key)
            .Where(s => only is null || only.Contains(s.ToString()) || only.Contains(s.PublicName))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        return parked.Count == 0
            ? Illegal(only is null ? "the order has no parked steps" : $"the order has no parked step named {string.Join(" or ", only)}")
            : OrderDecision.Accept(parked.Select(IOrderEvent (s) => new StepUnparked(OrderId, s, now)).ToArray());
    }

    // ---- applying ----

    public OrderState Apply(IOrderEvent @event)
    {
        var next = @event switch
        {
            OrderPlaced e => this with
            {
                Status = OrderStatus.PaymentPending, Details = e.Details, Mode = e.Mode,
                CorrelationId = e.CorrelationId, TraceParent = e.TraceParent, PlacedAt = e.At,
            },
            PaymentAuthorized e => this with { Status = OrderStatus.Confirmed, AuthorizationId = e.AuthorizationId, PaymentAttempts = Math.Max(PaymentAttempts, e.Attempts) },
            PaymentDeclined e => this with { Status = OrderStatus.PaymentDeclined, Reason = e.Reason, PaymentAttempts = Math.Max(PaymentAttempts, e.Attempts) },
            PaymentRejected e => this with { Status = OrderStatus.Rejected, Reason = e.Reason, PaymentAttempts = Math.Max(PaymentAttempts, e.Attempts) },
            PaymentAttemptFailed e => this with { PaymentAttempts = e.Attempt },
            StepSucceeded e => WithStep(e.Step, new StepRecord(StepStatus.Succeeded, e.Detail, e.Attempts, e.At, e.SentAt)).PromoteWhenStockReserved(),
            StepFailed e => WithStep(e.Step, new StepRecord(StepStatus.Failed, e.Reason, e.Attempts, e.At, e.SentAt)),
            StepParked e => WithStep(e.Step, new StepRecord(StepStatus.Parked, e.LastError, e.Attempts, e.At, e.LastSentAt)),
            StepAttemptFailed e => this with { Retries = Retries.SetItem(e.Step, new StepRetry(e.Attempt, e.Error, e.SentAt, e.NextAttemptAt, e.At)) },
            StepUnparked e => this with { Steps = Steps.Remove(e.Step), Retries = Retries.Remove(e.Step) },
            CompensationStarted e => this with { Status = OrderStatus.Compensating, Reason = e.Reason, ShipmentMayExist = e.ShipmentMayExist },
            OrderCompleted => this with { Status = OrderStatus.Completed },
            OrderCancelled e => this with { Status = OrderStatus.Cancelled, Reason = e.Reason },
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "unknown order event"),
        };
        if (next.Status != Status) next = next with { History = History.Add(new StatusChange(next.Status!.Value, @event.At)) };
        return next with { Version = Version + 1, UpdatedAt = @event.At };
    }

    private OrderState WithStep(StepId step, StepRecord record) => this with { Steps = Steps.SetItem(step, record), Retries = Retries.Remove(step) };

    private OrderState PromoteWhenStockReserved() =>
        Status == OrderStatus.Confirmed && ReserveSteps().All(HasSucceeded) ? this with { Status = OrderStatus.Fulfilling } : this;

    // ---- steps ----

    /// <summary>The steps that should be in flight now: not yet answered, not parked.</summary>
    public IReadOnlyList<StepId> DueSteps()
    {
        IEnumerable<StepId> due = Status switch
        {
            OrderStatus.Confirmed => ReserveSteps(),
            OrderStatus.Fulfilling when Mode == ResponseMode.Sync => FulfilmentSteps().SkipWhile(HasSucceeded).Take(1),
            OrderStatus.Fulfilling => FulfilmentSteps(),
            OrderStatus.Compensating => CompensationSteps(),
            // Timeouts leave it unknown whether the card was charged; voiding by the same key makes sure it was not.
            OrderStatus.Rejected => [new StepId(StepKind.RefundPayment)],
            _ => [],
        };
        return due.Concat(NextNotification()).Where(s => !Steps.ContainsKey(s)).ToList();
    }

    /// <summary>
    /// Status changes are announced one at a time, oldest first, so a receiver sees them in order. A parked
    /// notification therefore holds back the later ones: they are shown as blocked (in the order and in
    /// `steps parked`), and replaying the parked one resumes delivery from it, in order.
    /// </summary>
    private IEnumerable<StepId> NextNotification() => Notifications().SkipWhile(HasSucceeded).Take(1);

    private IEnumerable<StepId> Notifications() =>
        Details?.CallbackUrl is null ? [] : History.Select(h => new StepId(StepKind.NotifyWebhook, h.Status.ToString()));

    /// <summary>Notifications waiting behind a parked one.</summary>
    public IReadOnlyList<StepId> BlockedNotifications()
    {
        var pending = Notifications().SkipWhile(HasSucceeded).ToList();
        return pending.Count > 0 && Steps.TryGetValue(pending[0], out var head) && head.Status == StepStatus.Parked
            ? pending.Skip(1).Where(s => !Steps.ContainsKey(s)).ToList()
            : [];
    }

    /// <summary>When the order entered <paramref name="status"/>, if it did.</summary>
    public DateTimeOffset? EnteredAt(OrderStatus status) => History.LastOrDefault(h => h.Status == status)?.At;

    /// <summary>Terminal with nothing left to do: the actor may leave memory.</summary>
    public bool IsSettled => IsTerminal && DueSteps().Count == 0;

    public bool HasParkedSteps => Steps.Values.Any(s => s.Status == StepStatus.Parked);

    private bool HasSucceeded(StepId step) => Steps.TryGetValue(step, out var r) && r.Status == StepStatus.Succeeded;

    private IEnumerable<StepId> ReserveSteps() =>
        Details!.QuantitiesBySku().Select(x => new StepId(StepKind.ReserveStock, x.Sku));

    private IEnumerable<StepId> FulfilmentSteps()
    {
        yield return new StepId(StepKind.CreateShipment);
        yield return new StepId(StepKind.SendConfirmation);
        // The seed's "before" logs to analytics inline; the other modes feed analytics from the event stream.
        if (Mode == ResponseMode.Sync) yield return new StepId(StepKind.RecordAnalytics);
    }

    private IEnumerable<StepId> ForwardSteps() => ReserveSteps().Concat(FulfilmentSteps());

    private IEnumerable<StepId> CompensationSteps()
    {
        foreach (var reserve in ReserveSteps())
        {
            // A refused reservation took nothing; an unanswered one may still land, so release it (which also voids it).
            if (!(Steps.TryGetValue(reserve, out var r) && r.Status == StepStatus.Failed))
                yield return new StepId(StepKind.ReleaseStock, reserve.Subject);
        }
        if (AuthorizationId is not null) yield return new StepId(StepKind.RefundPayment);
        if (ShipmentMayExist) yield return new StepId(StepKind.CancelShipment);
        yield return new StepId(StepKind.SendCancellation);
    }

    // ---- replying ----

    /// <summary>Has the order reached the point where a caller in <paramref name="mode"/> gets its answer?</summary>
    public bool ReplyReady(ResponseMode mode) => mode switch
    {
        ResponseMode.Accepted => Exists,
        ResponseMode.Hybrid => Exists && Status != OrderStatus.PaymentPending,
        _ => IsTerminal,
    };

    public OrderView ToView() => new(
        OrderId, Status ?? throw new InvalidOperationException($"order '{OrderId}' does not exist"), Mode, Details!,
        AuthorizationId, Reason,
        Steps.Select(s => new StepView(s.Key.ToString(), s.Value.Status, s.Value.Detail, s.Value.Attempts, s.Value.At, s.Value.SentAt))
            .Concat(Retries.Select(r => new StepView(r.Key.ToString(), StepStatus.Retrying, r.Value.LastError, r.Value.Attempts, r.Value.At, r.Value.SentAt, r.Value.NextAttemptAt)))
            .Concat(BlockedNotifications().Select(b => new StepView(b.ToString(), StepStatus.Blocked, "waiting behind a parked notification: replay it to resume delivery in order", 0)))
            .OrderBy(s => s.Step, StringComparer.Ordinal).ToList(),
        Version, PlacedAt, UpdatedAt, CorrelationId, PaymentAttempts, new MessageContext(CorrelationId, TraceParent).TraceId);

    private OrderDecision NotFound() => OrderDecision.Reject(OrderId, RejectionCode.NotFound, $"order '{OrderId}' does not exist");

    private OrderDecision Illegal(string reason) =>
        new([], new CommandRejected(OrderId, RejectionCode.IllegalTransition, reason, Status));
}
