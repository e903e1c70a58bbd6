using System.ComponentModel;
using Orders.Cli.Connection;
using Orders.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;
using AdminV1 = Orders.Contracts.Admin.V1;

namespace Orders.Cli.Commands;

public sealed class ServicesShow : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings settings, CancellationToken ct)
    {
        var reply = await Call(o => Node.Admin.ShowServicesAsync(new AdminV1.ShowServicesRequest(), o).ResponseAsync, ct);
        if (Session.Json) { Session.WriteJson(reply); return; }
        var table = new Table().AddColumns("service", "state", "since", "retry by", "restarts", "failures", "last error");
        foreach (var s in reply.Services)
            table.AddRow(s.Service, s.State == "healthy" ? "healthy" : "[yellow]backing off[/]", Session.Clock(s.BackingOffSince), Session.Clock(s.RetryNoLaterThan),
                s.RestartCount.ToString(), s.ConsecutiveFailures.ToString(), Markup.Escape(s.LastError));
        Session.Console.Write(table);
        Session.Text($"supervisors of {reply.Node}");
    }
}

public sealed class FaultsShow : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings settings, CancellationToken ct) =>
        Print(await Call(o => Node.Admin.ShowFaultsAsync(new AdminV1.ShowFaultsRequest(), o).ResponseAsync, ct));

    public static void Print(AdminV1.FaultsReply reply)
    {
        if (Session.Current.Json) { Session.Current.WriteJson(reply); return; }
        var table = new Table().AddColumns("provider", "latency ms", "jitter ms", "error rate", "slow ms", "outages");
        foreach (var p in reply.Providers)
            table.AddRow(p.Provider, $"{p.LatencyMs:0}", $"{p.JitterMs:0}", $"{p.ErrorRate:0.###}", p.SlowLatencyMs > 0 ? $"{p.SlowLatencyMs:0}" : "-",
                p.Outages.Count == 0 ? "-" : string.Join(", ", p.Outages.Select(w => $"until {Session.Clock(w.Until)}")));
        Session.Current.Console.Write(table);
    }
}

public sealed class FaultSetSettings : CommandSettings
{
    [CommandArgument(0, "<provider>")]
    [Description("payment, inventory, warehouse, email or analytics")]
    public string Provider { get; init; } = "";

    [CommandOption("--latency <MS>")]
    public double? Latency { get; init; }

    [CommandOption("--jitter <MS>")]
    public double? Jitter { get; init; }

    [CommandOption("--error-rate <RATE>")]
    [Description("fraction of calls that fail, 0 to 1")]
    public double? ErrorRate { get; init; }

    [CommandOption("--outage <DURATION>")]
    [Description("an outage starting now: 30s, 2m")]
    public string? Outage { get; init; }

    [CommandOption("--slow <MS>")]
    [Description("every call takes this long (0: not slow)")]
    public double? Slow { get; init; }
}

public sealed class FaultsSet : AdminCommand<FaultSetSettings>
{
    protected override async Task RunAsync(FaultSetSettings s, CancellationToken ct)
    {
        var request = new AdminV1.SetFaultRequest { Provider = s.Provider };
        if (s.Latency is { } latency) request.LatencyMs = latency;
        if (s.Jitter is { } jitter) request.JitterMs = jitter;
        if (s.ErrorRate is { } rate) request.ErrorRate = rate;
        if (s.Slow is { } slow) request.SlowLatencyMs = slow;
        if (s.Outage is { } outage) request.OutageSeconds = Spelling.Seconds(outage, "--outage");
        if (!request.HasLatencyMs && !request.HasJitterMs && !request.HasErrorRate && !request.HasSlowLatencyMs && !request.HasOutageSeconds)
            throw new UsageException("faults set needs at least one of --latency, --jitter, --error-rate, --outage, --slow");
        FaultsShow.Print(await Call(o => Node.Admin.SetFaultAsync(request, o).ResponseAsync, ct));
    }
}

public sealed class FaultClearSettings : CommandSettings
{
    [CommandArgument(0, "[provider]")]
    [Description("one provider (default: all)")]
    public string? Provider { get; init; }
}

public sealed class FaultsClear : AdminCommand<FaultClearSettings>
{
    protected override async Task RunAsync(FaultClearSettings s, CancellationToken ct) =>
        FaultsShow.Print(await Call(o => Node.Admin.ClearFaultsAsync(new AdminV1.ClearFaultsRequest { Provider = s.Provider ?? "" }, o).ResponseAsync, ct));
}

public sealed class SkuSettings : CommandSettings
{
    [CommandArgument(0, "<sku>")]
    public string Sku { get; init; } = "";
}

public sealed class StockShow : AdminCommand<SkuSettings>
{
    protected override async Task RunAsync(SkuSettings s, CancellationToken ct) =>
        Print(await Call(o => Node.Admin.ShowStockAsync(new AdminV1.StockRequest { Sku = s.Sku }, o).ResponseAsync, ct));

    public static void Print(AdminV1.StockReply stock)
    {
        if (Session.Current.Json) Session.Current.WriteJson(stock);
        else Session.Current.Text($"{stock.Sku}: {stock.Available} available, {stock.Allocated} allocated to {stock.AllocatingOrders} orders");
    }
}

public sealed class StockSetSettings : CommandSettings
{
    [CommandArgument(0, "<sku>")]
    public string Sku { get; init; } = "";

    [CommandArgument(1, "<units>")]
    public long Units { get; init; }
}

public sealed class StockSet : AdminCommand<StockSetSettings>
{
    protected override async Task RunAsync(StockSetSettings s, CancellationToken ct) =>
        StockShow.Print(await Call(o => Node.Admin.SetStockAsync(new AdminV1.SetStockRequest { Sku = s.Sku, Units = s.Units }, o).ResponseAsync, ct));
}

public sealed class AnalyticsShow : AdminCommand<NoSettings>
{
    protected override async Task RunAsync(NoSettings s, CancellationToken ct) =>
        Print(await Call(o => Node.Admin.ShowAnalyticsAsync(new AdminV1.ShowAnalyticsRequest(), o).ResponseAsync, ct));

    public static void Print(AdminV1.AnalyticsReply a)
    {
        var session = Session.Current;
        if (session.Json) { session.WriteJson(a); return; }
        session.Text($"offset {a.Offset}, {a.EventsSeen} events counted");
        session.Text($"placed {string.Join(", ", a.PlacedByMode.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}; authorized {a.Authorized}, completed {a.Completed}, " +
            $"cancelled {a.Cancelled}, declined {a.Declined}, rejected {a.Rejected}, parked steps {a.ParkedSteps}");
        session.Text($"revenue {string.Join(", ", a.RevenueMinorByCurrency.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value / 100m:0.00} {kv.Key}"))}");
    }
}

public sealed class AnalyticsReplaySettings : CommandSettings
{
    [CommandOption("--from <OFFSET>")]
    [Description("the event stream offset to recount from (0: the start)")]
    public long? From { get; init; }
}

public sealed class AnalyticsReplay : AdminCommand<AnalyticsReplaySettings>
{
    protected override async Task RunAsync(AnalyticsReplaySettings s, CancellationToken ct)
    {
        if (s.From is not { } from) throw new UsageException("analytics replay needs --from <offset> (0 recounts from the start)");
        AnalyticsShow.Print(await Call(o => Node.Admin.ReplayAnalyticsAsync(new AdminV1.ReplayAnalyticsRequest { FromOffset = from }, o).ResponseAsync, ct));
    }
}
