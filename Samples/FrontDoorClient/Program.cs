// A sample application of the lab: it takes its connection strings from the AppHost (WithReference) and the shard
// names (LAB__SHARDS), writes and reads each shard's keys through the front door ten times a second, and says what an
// application sees of each shard while one fails over. With a shard's Sentinels and the lab's address map
// (LAB__ADDRESSES), it also reads and writes that shard as a Sentinel-aware application, for the two paths side by side.
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
// The shards in the ring's order (LAB__SHARDS from the AppHost), and the names the ring hashes them by when these differ.
var shards = Names(builder.Configuration[FrontDoorSettings.ShardsKey]);
var ring = Names(builder.Configuration[FrontDoorSettings.RingKey]) is { Length: > 0 } given ? given : shards;
if (ring.Length != shards.Length)
{
    Console.Error.WriteLine($"'{FrontDoorSettings.RingKey}' names {ring.Length} servers for {shards.Length} shards in '{FrontDoorSettings.ShardsKey}': give one per shard, in the same order.");
    return 2;
}
var addresses = builder.Configuration[FrontDoorSettings.AddressesKey];
if (addresses is not null)
{
    try
    {
        RedisHaLab.Clients.LabAddressTunnel.Parse(addresses);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine($"'{FrontDoorSettings.AddressesKey}': {e.Message}.");
        return 2;
    }
}
builder.Services.AddSingleton(new FrontDoorSettings(frontDoor, builder.Configuration.GetConnectionString(FrontDoorSettings.ShardConnection), shards, ring,
    builder.Configuration[FrontDoorSettings.SentinelShardKey], addresses));
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

static string[] Names(string? list) => list?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
