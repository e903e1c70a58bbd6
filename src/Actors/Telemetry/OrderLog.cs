using System.Collections;
using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orders.Actors.Telemetry;

/// <summary>
/// Lines about one order's work, through Microsoft.Extensions.Logging as structured messages, each written inside a
/// scope that carries the order's id and correlation id as fields (<c>order_id</c>, <c>correlation_id</c>): the JSON
/// console shows them under "Scopes", any structured sink gets them as attributes, a log search finds every line of
/// one order by either.
/// </summary>
public static partial class OrderLog
{
    /// <summary>The host's logger for <paramref name="category"/> (Akka.Hosting's service provider), or none without a host.</summary>
    public static ILogger For(ActorSystem system, string category) =>
        system.Settings.Setup.Get<DependencyResolverSetup>().HasValue
        && DependencyResolver.For(system).Resolver.GetService<ILoggerFactory>() is { } factory
            ? factory.CreateLogger(category)
            : NullLogger.Instance;

    public static IDisposable? ForOrder(this ILogger logger, string orderId, string correlationId) =>
        logger.BeginScope(new OrderScope(orderId, correlationId));

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Payment attempt {Attempt} for order {OrderId} failed ({Reason}); retrying in {DelayMs:0} ms")]
    public static partial void PaymentRetrying(this ILogger logger, string orderId, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Step {Step} of order {OrderId} parked after {Attempts} attempts: {Error}")]
    public static partial void StepParked(this ILogger logger, string orderId, string step, int attempts, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Service}: {Failures} consecutive failures, the last for order {OrderId}: {Error}; backing off")]
    public static partial void ServiceTripped(this ILogger logger, string service, int failures, string orderId, string error);

    /// <summary>Fields for structured sinks; one readable phrase for the plain console.</summary>
    private sealed class OrderScope(string orderId, string correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("order_id", orderId),
            1 => new("correlation_id", correlationId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public int Count => 2;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"order {orderId}, correlation {correlationId}";
    }
}
