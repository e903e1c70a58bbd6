using System.ComponentModel;
using Orders.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;
using AdminV1 = Orders.Contracts.Admin.V1;
using V1 = Orders.Contracts.V1;

namespace Orders.Cli.Commands;

public sealed class ListSettings : CommandSettings
{
    [CommandOption("--status <STATUS>")]
    [Description("only orders in this status (payment_pending, confirmed, fulfilling, completed, compensating, cancelled, payment_declined, rejected)")]
    public string? Status { get; init; }

    [CommandOption("--retrying")]
    [Description("only orders with a step being retried")]
    public bool Retrying { get; init; }

    [CommandOption("--parked")]
    [Description("only orders with a parked step")]
    public bool Parked { get; init; }

    [CommandOption("--limit <N>")]
    [Description("orders per page (default 50, at most 1000)")]
    public int Limit { get; init; }

    [CommandOption("--page-token <TOKEN>")]
    [Description("the next page, as printed under the previous one")]
    public string? PageToken { get; init; }
}

public sealed class OrdersList : AdminCommand<ListSettings>
{
    protected override async Task RunAsync(ListSettings settings, CancellationToken ct)
    {
        var request = new AdminV1.ListOrdersRequest
        {
            Status = settings.Status is null ? V1.OrderStatus.Unspecified : Spelling.ParseStatus(settings.Status),
            Retrying = settings.Retrying, Parked = settings.Parked, PageSize = settings.Limit, PageToken = settings.PageToken ?? "",
        };
        var reply = await Call(o => Node.Admin.ListOrdersAsync(request, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        var table = new Table().AddColumns("order", "status", "mode", "total", "placed", "updated");
        foreach (var order in reply.Orders)
            table.AddRow(Markup.Escape(order.OrderId), Spelling.Snake(order.Status), Spelling.Snake(order.Mode), Spelling.Money(order.Total),
                Session.Time(order.PlacedAt), Session.Time(order.UpdatedAt));
        Session.Console.Write(table);
        Session.Text($"{reply.Orders.Count} orders" + (reply.NextPageToken == "" ? "" : $"; more with --page-token {reply.NextPageToken}"));
    }
}

public sealed class OrderIdSettings : CommandSettings
{
    [CommandArgument(0, "<order-id>")]
    [Description("the order's id")]
    public string OrderId { get; init; } = "";
}

public sealed class OrdersShow : AdminCommand<OrderIdSettings>
{
    protected override async Task RunAsync(OrderIdSettings settings, CancellationToken ct)
    {
        var order = await Call(o => Node.Admin.GetOrderAsync(new AdminV1.OrderRequest { OrderId = settings.OrderId }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(order); return; }
        Session.Text($"{order.OrderId}  {Spelling.Snake(order.Status)}  {Spelling.Snake(order.Mode)}  {Spelling.Money(order.Total)}  version {order.Version}");
        Session.Text($"placed {Session.Time(order.PlacedAt)}, updated {Session.Time(order.UpdatedAt)}, payment attempts {order.PaymentAttempts}" +
            (order.Reason == "" ? "" : $", reason: {order.Reason}"));
        Session.Text($"customer {order.CustomerEmail}, correlation id {order.CorrelationId}" + (order.CallbackUrl == "" ? "" : $", callback {order.CallbackUrl}"));
        Session.Text($"trace id {order.TraceId}");
        Session.Console.Write(StepTable(order));
    }

    public static Table StepTable(V1.Order order)
    {
        var table = new Table().AddColumns("step", "status", "attempts", "last sent", "at", "next attempt", "detail");
        foreach (var step in order.Steps)
            table.AddRow(Markup.Escape(step.Name), Colour(step.State), step.Attempts.ToString(), Session.Clock(step.SentAt), Session.Clock(step.At),
                Session.Clock(step.NextAttemptAt), Markup.Escape(step.Detail));
        return table;
    }

    private static string Colour(V1.StepStatus status) => status switch
    {
        V1.StepStatus.Succeeded => "succeeded",
        V1.StepStatus.Retrying => "[yellow]retrying[/]",
        V1.StepStatus.Parked => "[red]parked[/]",
        V1.StepStatus.Blocked => "[red]blocked[/]",
        V1.StepStatus.Failed => "[red]failed[/]",
        _ => Spelling.Snake(status),
    };
}

public sealed class OrdersTimeline : AdminCommand<OrderIdSettings>
{
    protected override async Task RunAsync(OrderIdSettings settings, CancellationToken ct)
    {
        var timeline = await Call(o => Node.Admin.OrderTimelineAsync(new AdminV1.OrderRequest { OrderId = settings.OrderId }, o).ResponseAsync, ct);
        Write(timeline);
    }

    /// <summary>Any workflow instance's story: a table in time order, then a summary line (an order's also names its status and trace).</summary>
    public static void Write(AdminV1.Timeline timeline)
    {
        if (Session.Json) { Session.WriteJson(timeline); return; }
        var start = timeline.Entries.FirstOrDefault()?.At?.ToDateTimeOffset();
        var table = new Table().AddColumns("time", "+ms", "what", "step", "attempt", "outcome", "detail");
        foreach (var e in timeline.Entries)
        {
            var offset = start is { } s ? $"{(e.At.ToDateTimeOffset() - s).TotalMilliseconds:0}" : "";
            var detail = e.Detail + (e.NextAttemptAt is null ? "" : $" (next attempt {Session.Clock(e.NextAttemptAt)})");
            table.AddRow(Session.Clock(e.At), offset, e.Kind, Markup.Escape(e.Step), e.Attempt == 0 ? "" : e.Attempt.ToString(), e.Outcome, Markup.Escape(detail));
        }
        Session.Console.Write(table);
        Session.Text(timeline.OrderId != ""
            ? $"{timeline.OrderId}: {timeline.Entries.Count} entries, now {Spelling.Snake(timeline.Status)}, trace id {timeline.TraceId}"
            : $"{timeline.Workflow} {timeline.InstanceId}: {timeline.Entries.Count} entries");
    }
}

public sealed class OrdersWatch : AdminCommand<OrderIdSettings>
{
    protected override Task RunAsync(OrderIdSettings settings, CancellationToken ct)
    {
        var call = Node.Admin.WatchOrder(new AdminV1.OrderRequest { OrderId = settings.OrderId }, Node.Options(ct, stream: true));
        return ReadStream(call, order =>
        {
            if (Session.Json) Session.WriteJson(order);
            else Session.Text($"{Session.Clock(order.UpdatedAt)}  {order.OrderId}  {Spelling.Snake(order.Status)}  version {order.Version}" +
                (order.Reason == "" ? "" : $"  ({order.Reason})"));
        }, ct);
    }
}

public sealed class CancelSettings : CommandSettings
{
    [CommandArgument(0, "<order-id>")]
    public string OrderId { get; init; } = "";

    [CommandOption("--reason <TEXT>")]
    [Description("why (recorded on the order; default: cancelled by an operator)")]
    public string? Reason { get; init; }
}

public sealed class OrdersCancel : AdminCommand<CancelSettings>
{
    protected override async Task RunAsync(CancelSettings settings, CancellationToken ct)
    {
        var order = await Call(o => Node.Admin.CancelOrderAsync(new AdminV1.CancelOrderRequest { OrderId = settings.OrderId, Reason = settings.Reason ?? "" }, o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(order); return; }
        Session.Text($"{order.OrderId} is {Spelling.Snake(order.Status)}: {order.Reason}");
    }
}
