using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Orders.Actors.Hosting;
using Orders.Actors.Inventory;
using Orders.Actors.Journal;
using Orders.Actors.Messaging;
using Orders.Actors.OrderIndex;
using Orders.Actors.Orders;
using Orders.Gateway.Security;
using Orders.Gateway.Telemetry;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Application;

/// <summary>
/// The one application layer behind both faces (gRPC and REST): validation, deadlines, load shedding and the
/// mapping of the order's answers to call outcomes. Business outcomes (declined, cancelled) are order states.
/// </summary>
public sealed class OrderApplication(
    ActorSystem system,
    IRequiredActor<ActorKeys.Orders> orders,
    IRequiredActor<ActorKeys.Inventory> inventory,
    OrderIndexStore index,
    OrderSystemOptions systemOptions,
    GatewayOptions options,
    InFlightLimiter limiter,
    SkuCatalog catalog,
    CallerAccess access,
    OrderTokens tokens,
    GatewayMetrics metrics)
{
    private readonly JournalHealth _journal = JournalHealth.For(system);

    /// <summary>Anyone may place an order; the answer carries the order's token, the capability to read, watch and cancel it.</summary>
    public async Task<(OrderView Order, string OrderToken)> PlaceAsync(PlaceOrderInput input, DateTime? deadline, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (details, violations) = RequestValidation.Validate(input, systemOptions.Webhooks);
            if (violations.Count > 0) throw OrderApiException.Invalid(violations);
            ThrowIfInvalid(await catalog.UnstockedAsync(details!, ct));
            var orderId = string.IsNullOrEmpty(input.OrderId) ? $"ord-{Guid.NewGuid():N}" : input.OrderId;
            var order = Expect<OrderView>(await AskAsync(new PlaceOrder(orderId, details!, input.Mode, MessageContext.New()), deadline, ct));
            metrics.Placed(input.Mode, Spelling.Snake(order.Status), Stopwatch.GetElapsedTime(started));
            return (order, tokens.For(order.OrderId));
        }
        catch (OrderApiException refused)
        {
            metrics.Placed(input.Mode, Spelling.Snake(refused.Error), Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    public async Task<OrderView> GetAsync(string? orderId, Caller caller, DateTime? deadline, CancellationToken ct)
    {
        ThrowIfInvalid(RequestValidation.ValidateOrderId(orderId));
        access.RequireOrderAccess(caller, orderId!);
        return Expect<OrderView>(await AskAsync(new GetOrder(orderId!, MessageContext.New()), deadline, ct));
    }

    public async Task<OrderView> CancelAsync(string? orderId, string? reason, Caller caller, DateTime? deadline, CancellationToken ct)
    {
        ThrowIfInvalid([.. RequestValidation.ValidateOrderId(orderId), .. RequestValidation.ValidateReason(reason)]);
        access.RequireOrderAccess(caller, orderId!);
        var why = string.IsNullOrWhiteSpace(reason) ? "requested by the customer" : reason;
        return Expect<OrderView>(await AskAsync(new CancelOrder(orderId!, why, MessageContext.New()), deadline, ct));
    }

    /// <summary>Operator action (callers are checked by the admin API): the SKU's free units become <paramref name="units"/>.</summary>
    public async Task<InventoryCommands.StockLevel> SetStockAsync(string? sku, long units, CancellationToken ct)
    {
        var violations = new List<FieldViolation>();
        if (!OrderValidation.IsValidId(sku)) violations.Add(new FieldViolation("sku", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        if (units is < 0 or > MaxStockUnits) violations.Add(new FieldViolation("units", $"must be from 0 to {MaxStockUnits:N0}"));
        ThrowIfInvalid(violations);
        RefuseWhileDatabaseDown();
        try
        {
            var level = await inventory.ActorRef.Ask<InventoryCommands.StockLevel>(new InventoryCommands.SetStock(sku!, units, MessageContext.New()), options.DefaultTimeout, ct);
            catalog.Remember(level);
            return level;
        }
        catch (AskTimeoutException)
        {
            throw new OrderApiException(ApiError.Unavailable, $"the stock of '{sku}' did not answer within {options.DefaultTimeout.TotalSeconds:0} s; it may or may not be set");
        }
    }

    /// <summary>A billion units: far beyond any warehouse, and far from overflowing reservations.</summary>
    public const long MaxStockUnits = 1_000_000_000;

    /// <summary>Units free to reserve and units allocated to orders: what operators reconcile stock against. Never-stocked SKUs are not found.</summary>
    public async Task<InventoryCommands.StockLevel> GetStockAsync(string? sku, CancellationToken ct)
    {
        if (!OrderValidation.IsValidId(sku))
            throw OrderApiException.Invalid([new FieldViolation("sku", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")]);
        RefuseWhileDatabaseDown();
        using var slot = limiter.Enter();
        try
        {
            var level = await inventory.ActorRef.Ask<InventoryCommands.StockLevel>(new InventoryCommands.GetStock(sku, MessageContext.New()), options.DefaultTimeout, ct);
            catalog.Remember(level);
            return level.Stocked ? level : throw new OrderApiException(ApiError.NotFound, $"no stock was ever set for SKU '{sku}'");
        }
        catch (AskTimeoutException)
        {
            throw new OrderApiException(ApiError.Unavailable, $"the stock of '{sku}' did not answer within {options.DefaultTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Every customer's orders, optionally only those with a step retrying or parked (<paramref name="withIssue"/>): for operators only.</summary>
    public async Task<(OrderPage Page, string? NextPageToken)> ListAsync(OrderStatus? status, int pageSize, string? pageToken, Caller caller, CancellationToken ct,
        string? withIssue = null)
    {
        access.RequireOperator(caller, "listing orders");
        var after = DecodePageToken(pageToken, out var tokenViolations);
        ThrowIfInvalid([.. RequestValidation.ValidatePageSize(pageSize), .. tokenViolations]);
        RefuseWhileDatabaseDown();
        using var slot = limiter.Enter();
        OrderPage page;
        try
        {
            page = await index.ListAsync(status, after, pageSize == 0 ? 50 : pageSize, ct, withIssue);
        }
        catch (Exception e) when (JournalHealth.IsOutage(e))
        {
            throw new OrderApiException(ApiError.Unavailable, $"the order index cannot be read: {e.GetBaseException().Message}");
        }
        return (page, page.NextAfter is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(page.NextAfter)));
    }

    /// <summary>The current state, then every status change, until the order is terminal.</summary>
    public async IAsyncEnumerable<OrderView> WatchAsync(string? orderId, Caller caller, [EnumeratorCancellation] CancellationToken ct)
    {
        ThrowIfInvalid(RequestValidation.ValidateOrderId(orderId));
        access.RequireOrderAccess(caller, orderId!);
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var bridge = system.ActorOf(WatchBridge.Props(orderId!, orders.ActorRef, channel.Writer, MessageContext.New(), TimeSpan.FromSeconds(5)));
        try
        {
            OrderView? last = null;
            await foreach (var message in channel.Reader.ReadAllAsync(ct))
            {
                var view = Expect<OrderView>(message);
                if (last is not null && view.Version <= last.Version) continue;
                var changed = last is null || view.Status != last.Status;
                last = view;
                if (changed) yield return view;
                if (view.IsTerminal) yield break;
            }
        }
        finally
        {
            bridge.Tell(PoisonPill.Instance);
        }
    }

    private async Task<object> AskAsync(IOrderCommand command, DateTime? deadline, CancellationToken ct)
    {
        RefuseWhileDatabaseDown();
        using var slot = limiter.Enter();
        var timeout = options.DefaultTimeout;
        var boundByDeadline = false;
        if (deadline is { } d && d != DateTime.MaxValue)
        {
            var left = d.ToUniversalTime() - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new OrderApiException(ApiError.DeadlineExceeded, "the deadline passed before the call started");
            if (left < timeout) (timeout, boundByDeadline) = (left, true);
        }
        var returnedAt = CatchingUpSince(command);
        var boundByCatchingUp = false;
        if (returnedAt is not null && options.AnswerWithinAfterOutage < timeout)
            (timeout, boundByDeadline, boundByCatchingUp) = (options.AnswerWithinAfterOutage, false, true);
        try
        {
            // The ask never outlives the call: it ends at the client's deadline or when the client goes away.
            if (command is not ISafeToResend) return await UnlessDatabaseGoesDown(orders.ActorRef.Ask<object>(command, timeout, ct));
            var giveUpAt = DateTime.UtcNow + timeout;
            while (true)
            {
                var left = giveUpAt - DateTime.UtcNow;
                try
                {
                    return await UnlessDatabaseGoesDown(orders.ActorRef.Ask<object>(command, left < options.ResendAfter * 1.5 ? left : options.ResendAfter, ct));
                }
                catch (AskTimeoutException) when (giveUpAt - DateTime.UtcNow > TimeSpan.FromMilliseconds(50))
                {
                    // Same order id, same body: the order answers from its record, nothing happens twice.
                }
            }
        }
        catch (AskTimeoutException) when (boundByCatchingUp)
        {
            throw new OrderApiException(ApiError.Unavailable,
                $"the node is still catching up after a database outage (the database returned at {returnedAt:HH:mm:ss.fff} UTC) and did not answer " +
                $"within {timeout.TotalMilliseconds:0} ms; the call may or may not have taken effect: retry shortly with the same order id");
        }
        catch (AskTimeoutException) when (boundByDeadline)
        {
            throw new OrderApiException(ApiError.DeadlineExceeded, $"no answer before the deadline ({timeout.TotalMilliseconds:0} ms); the order carries on and can be polled");
        }
        catch (AskTimeoutException)
        {
            throw new OrderApiException(ApiError.Unavailable, $"no answer within {timeout.TotalSeconds:0} s; the order carries on and can be polled");
        }
        catch (TaskCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OrderApiException(ApiError.DeadlineExceeded, "the call was cancelled or its deadline passed; the order carries on and can be polled");
        }
    }

    /// <summary>
    /// When the database returned from an outage, if that was less than <see cref="GatewayOptions.AfterOutageFor"/> ago
    /// and the call can be answered promptly at all (not a SYNC placement): such a call gets a short bound, not the
    /// client's deadline, so it is served or refused but never left waiting on what is still coming back.
    /// </summary>
    private DateTimeOffset? CatchingUpSince(IOrderCommand command) =>
        command is not PlaceOrder { Mode: ResponseMode.Sync } && _journal.ReturnedAt is { } at && DateTimeOffset.UtcNow - at < options.AfterOutageFor ? at : null;

    /// <summary>A database outage fails calls at once: an order cannot be stored or recovered, and waiting would only pile calls up.</summary>
    private void RefuseWhileDatabaseDown()
    {
        if (_journal.Outage is { } outage)
            throw new OrderApiException(ApiError.Unavailable,
                $"the database has been unavailable since {outage.Since:HH:mm:ss.fff} UTC ({outage.Reason}); nothing was done, try again shortly");
    }

    private async Task<object> UnlessDatabaseGoesDown(Task<object> ask)
    {
        var down = _journal.WhenDown;
        if (await Task.WhenAny(ask, down) == ask) return await ask;
        _ = ask.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // the abandoned ask's timeout is expected
        throw new OrderApiException(ApiError.Unavailable,
            "the database became unavailable during the call; it may or may not have taken effect: retry with the same order id");
    }

    private static T Expect<T>(object reply) => reply switch
    {
        T t => t,
        CommandRejected r => throw new OrderApiException(r.Code switch
        {
            RejectionCode.NotFound => ApiError.NotFound,
            RejectionCode.Conflict => ApiError.AlreadyExists,
            RejectionCode.IllegalTransition => ApiError.FailedPrecondition,
            RejectionCode.Invalid => ApiError.InvalidArgument,
            _ => ApiError.Unavailable,
        }, r.Reason, orderId: r.OrderId, status: r.Status),
        _ => throw new OrderApiException(ApiError.Unavailable, $"unexpected answer {reply.GetType().Name}"),
    };

    private static void ThrowIfInvalid(IReadOnlyList<FieldViolation> violations)
    {
        if (violations.Count > 0) throw OrderApiException.Invalid(violations);
    }

    private static string? DecodePageToken(string? token, out IReadOnlyList<FieldViolation> violations)
    {
        violations = [];
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var after = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (OrderValidation.IdPattern().IsMatch(after)) return after;
        }
        catch (FormatException) { }
        violations = [new FieldViolation("page_token", "is not a token this service issued")];
        return null;
    }
}
