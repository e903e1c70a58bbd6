using Akka.Hosting;
using Orders.Actors.Hosting;

var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection("Orders").Get<OrderSystemOptions>() ?? new OrderSystemOptions();
var providers = OrderSystemHosting.ProvidersFor(options.SimulationProfile);
builder.Services.AddSingleton(providers);
builder.Services.AddAkka(options.SystemName, akka => akka.AddOrderSystem(options, providers));

var app = builder.Build();
app.MapGet("/", () => "order system running");
app.Run();
