using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orders.Actors.Orders;
using Orders.Actors.Providers;
using Orders.Actors.Simulation;

namespace Orders.Gateway.Simulator;

/// <summary>
/// The simulated outside world (payment, warehouse, email, analytics) as its own service on loopback, so the nodes of
/// a cluster share one set of provider ledgers: `dotnet Orders.Gateway.dll simulate-providers --Simulator:Port=5390`.
/// </summary>
public static class ProviderSimulatorHost
{
    public const string Command = "simulate-providers";

    public static WebApplication Build(string[] args, SimulatedProviders? providers = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = builder.Configuration.GetValue("Simulator:Port", 5390);
        var profile = builder.Configuration.GetValue("Simulator:Profile", "seed")!;
        providers ??= Actors.Hosting.SimulationHosting.ProvidersFor(profile);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        MapProviders(app, providers);
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Provider simulator ({Profile}) on {Urls}", profile, string.Join(", ", app.Urls)));
        return app;
    }

    public static void MapProviders(IEndpointRouteBuilder app, SimulatedProviders providers)
    {
        app.MapPost(ProviderWire.Authorize, (ProviderWire.AuthorizeRequest r, CancellationToken ct) =>
            Call(() => providers.Payment.AuthorizeAsync(r.IdempotencyKey, r.AmountMinor, r.Currency, r.PaymentToken, ct)));
        app.MapPost(ProviderWire.Refund, (ProviderWire.RefundRequest r, CancellationToken ct) =>
            Call(async () => new ProviderWire.ReferenceReply(await providers.Payment.RefundAsync(r.PaymentKey, r.AuthorizationId, r.AmountMinor, r.Currency, ct))));
        app.MapPost(ProviderWire.CreateShipment, (ProviderWire.ShipmentRequest r, CancellationToken ct) =>
            Call(async () => new ProviderWire.ReferenceReply(await providers.Warehouse.CreateShipmentAsync(r.OrderId, r.Lines ?? [], ct))));
        app.MapPost(ProviderWire.CancelShipment, (ProviderWire.CancelShipmentRequest r, CancellationToken ct) =>
            Call(async () => { await providers.Warehouse.CancelShipmentAsync(r.OrderId, ct); return new ProviderWire.ReferenceReply($"cancelled_{r.OrderId}"); }));
        app.MapPost(ProviderWire.SendEmail, (EmailMessage m, CancellationToken ct) =>
            Call(async () => new ProviderWire.ReferenceReply(await providers.Email.SendAsync(m, ct))));
        app.MapPost(ProviderWire.RecordAnalytics, (AnalyticsRecord[] records, CancellationToken ct) =>
            Call(async () => { await providers.Analytics.RecordAsync(records, ct); return new ProviderWire.ReferenceReply("recorded"); }));
        app.MapGet(ProviderWire.Ledger, () => Results.Ok(providers.Ledger()));
        app.MapGet(ProviderWire.Simulations, () => Results.Ok(providers.Simulations.ToDictionary(kv => kv.Key, kv => kv.Value.Settings)));
        app.MapPut(ProviderWire.Simulations + "/{kind}", (string kind, SimulationSettings settings) =>
        {
            if (!Enum.TryParse<ProviderKind>(kind, ignoreCase: true, out var k))
                return Results.BadRequest(new ProviderWire.ErrorReply($"unknown provider '{kind}'; use one of {string.Join(", ", Enum.GetNames<ProviderKind>())}"));
            try
            {
                providers.Configure(k, settings);
                return Results.Ok(providers.Simulations[k].Settings);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new ProviderWire.ErrorReply(e.Message));
            }
        });
    }

    private static async Task<IResult> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return Results.Ok(await call());
        }
        catch (ProviderRefusedException e)
        {
            return Results.Json(new ProviderWire.ErrorReply(e.Message), statusCode: StatusCodes.Status409Conflict);
        }
        catch (Exception e) when (e is ProviderUnavailableException or OperationCanceledException)
        {
            return Results.Json(new ProviderWire.ErrorReply(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
