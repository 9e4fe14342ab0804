// A sample application of the lab: it takes its connection strings from the AppHost (WithReference), writes and reads
// a key through the front door ten times a second, and says what an application sees while a shard fails over.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using RedisHaLab.Samples.FrontDoorClient;

var builder = Host.CreateApplicationBuilder(args);
if (builder.Configuration.GetConnectionString(FrontDoorSettings.FrontDoorConnection) is not { Length: > 0 } frontDoor)
{
    Console.Error.WriteLine($"No connection string '{FrontDoorSettings.FrontDoorConnection}': add this app to the AppHost with .WithReference(proxy).");
    return 2;
}
builder.Services.AddSingleton(new FrontDoorSettings(frontDoor, builder.Configuration.GetConnectionString(FrontDoorSettings.ShardConnection)));
builder.Services.AddSingleton<FrontDoorMetrics>();
builder.Services.AddHostedService<FrontDoorLoop>();
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    // Aspire sets the endpoint and the service name for a project it runs; without them, console logs tell the story.
    builder.Services.AddOpenTelemetry()
        .WithMetrics(metrics => metrics.AddMeter(FrontDoorMetrics.MeterName))
        .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeFormattedMessage = true)
        .UseOtlpExporter();
}
await builder.Build().RunAsync();
return 0;
