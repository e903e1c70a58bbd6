using System.Collections.Immutable;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Analytics;

public sealed record GetAnalytics : IOrderSystemMessage
{
    public static readonly GetAnalytics Instance = new();
}

/// <summary>Rebuild the figures by reading the order event stream again after <paramref name="Offset"/> (0 = from the start).</summary>
public sealed record ReplayAnalyticsFrom(long Offset) : IOrderSystemMessage;

/// <summary>Figures from the order event stream, and how far into it they go.</summary>
public sealed record AnalyticsState(
    long Offset,
    long EventsSeen,
    ImmutableDictionary<string, long> PlacedByMode,
    long Authorized,
    long Completed,
    long Cancelled,
    long Declined,
    long Rejected,
    long ParkedSteps,
    ImmutableDictionary<string, long> RevenueMinorByCurrency) : IOrderSystemMessage
{
    public static AnalyticsState Start(long offset) => new(offset, 0, ImmutableDictionary<string, long>.Empty, 0, 0, 0, 0, 0, 0, ImmutableDictionary<string, long>.Empty);

    public long Placed => PlacedByMode.Values.Sum();

    public AnalyticsState Count(IOrderEvent @event)
    {
        var next = this with { EventsSeen = EventsSeen + 1 };
        return @event switch
        {
            OrderPlaced e => next with { PlacedByMode = Add(PlacedByMode, e.Mode.ToString(), 1) },
            PaymentAuthorized => next with { Authorized = Authorized + 1 },
            PaymentDeclined => next with { Declined = Declined + 1 },
            PaymentRejected => next with { Rejected = Rejected + 1 },
            OrderCompleted e => next with { Completed = Completed + 1, RevenueMinorByCurrency = Add(RevenueMinorByCurrency, e.Currency, e.AmountMinor) },
            OrderCancelled => next with { Cancelled = Cancelled + 1 },
            StepParked => next with { ParkedSteps = ParkedSteps + 1 },
            StepUnparked => next with { ParkedSteps = ParkedSteps - 1 },
            _ => next,
        };
    }

    /// <summary>Adds another batch's counts; offsets only move forward.</summary>
    public AnalyticsState Merge(AnalyticsState delta) => new(
        Math.Max(Offset, delta.Offset),
        EventsSeen + delta.EventsSeen,
        delta.PlacedByMode.Aggregate(PlacedByMode, (acc, kv) => Add(acc, kv.Key, kv.Value)),
        Authorized + delta.Authorized,
        Completed + delta.Completed,
        Cancelled + delta.Cancelled,
        Declined + delta.Declined,
        Rejected + delta.Rejected,
        ParkedSteps + delta.ParkedSteps,
        delta.RevenueMinorByCurrency.Aggregate(RevenueMinorByCurrency, (acc, kv) => Add(acc, kv.Key, kv.Value)));

    private static ImmutableDictionary<string, long> Add(ImmutableDictionary<string, long> map, string key, long amount) =>
        map.SetItem(key, map.GetValueOrDefault(key) + amount);
}

public static class AnalyticsEvents
{
    /// <summary>One batch of the stream: its counts and the offset it reached, stored together so they can never disagree.</summary>
    public sealed record AnalyticsBatchApplied(AnalyticsState Delta) : IOrderSystemMessage;

    public sealed record AnalyticsReset(long Offset) : IOrderSystemMessage;
}
