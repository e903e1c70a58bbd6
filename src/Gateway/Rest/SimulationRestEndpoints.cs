using Akka.Actor;
using Akka.Hosting;
using Orders.Actors.Hosting;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Gateway.Application;
using Orders.Gateway.Security;
using static Orders.Gateway.Rest.OrderRestEndpoints;
using Orders.Gateway.Errors;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Rest;

/// <summary>
/// Fault injection for the simulated providers of this node: latency, error rate, slow mode and outage windows.
/// How the benchmarks and operators rehearse the chapter's failures (an email outage, a payment provider gone slow).
/// </summary>
public static class SimulationRestEndpoints
{
    public static void MapSimulationRest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/simulations", (HttpContext http, IRequiredActor<ActorKeys.ProviderControl> control, CallerAccess access) => Handle(http, async () =>
        {
            access.RequireOperator(CallerAccess.Identify(http), "reading fault injection");
            await AnswerAsync(http, await control.ActorRef.Ask<object>(ProviderControlProtocol.GetSimulations.Instance, TimeSpan.FromSeconds(5)));
        }));
        app.MapPut("/v1/simulations/{provider}", (HttpContext http, string provider, IRequiredActor<ActorKeys.ProviderControl> control, CallerAccess access) => Handle(http, async () =>
        {
            access.RequireOperator(CallerAccess.Identify(http), "fault injection");
            if (!Enum.TryParse<ProviderKind>(provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
                throw OrderApiException.Invalid([new FieldViolation("provider", $"must be one of {string.Join(", ", Enum.GetNames<ProviderKind>().Select(n => n.ToLowerInvariant()))}")]);
            var settings = await ReadBodyAsync<SimulationSettings>(http);
            var problems = settings.Validate();
            if (problems.Count > 0) throw OrderApiException.Invalid(problems);
            await AnswerAsync(http, await control.ActorRef.Ask<object>(new ProviderControlProtocol.ConfigureSimulation(kind, settings), TimeSpan.FromSeconds(5)));
        }));
    }

    /// <summary>
    /// A node on the shared provider simulator simulates nothing itself: its simulation routes say where the simulations
    /// in force are (`orders faults` changes them there from any node).
    /// </summary>
    public static void MapSharedSimulatorPointer(this IEndpointRouteBuilder app, string simulatorUrl)
    {
        var simulations = $"{simulatorUrl.TrimEnd('/')}{ProviderWire.Simulations}";
        app.MapGet("/v1/simulations", (HttpContext http, CallerAccess access) => Handle(http, () =>
        {
            access.RequireOperator(CallerAccess.Identify(http), "reading fault injection");
            throw new OrderApiException(ApiError.FailedPrecondition,
                $"this node calls the shared provider simulator; its simulations are at GET {simulations} (or `orders faults show`)");
        }));
        app.MapPut("/v1/simulations/{provider}", (HttpContext http, string provider, CallerAccess access) => Handle(http, () =>
        {
            access.RequireOperator(CallerAccess.Identify(http), "fault injection");
            throw new OrderApiException(ApiError.FailedPrecondition,
                $"this node calls the shared provider simulator; change simulations there (PUT {simulations}/{provider}, or `orders faults set`)");
        }));
    }

    private static Task AnswerAsync(HttpContext http, object reply) => reply switch
    {
        ProviderControlProtocol.Simulations s => WriteJsonAsync(http, StatusCodes.Status200OK,
            s.Settings.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value)),
        ProviderControlProtocol.SimulationRejected r => throw OrderApiException.Invalid([new FieldViolation("body", r.Reason)]),
        _ => throw new OrderApiException(ApiError.Unavailable, $"unexpected answer {reply.GetType().Name}"),
    };
}
