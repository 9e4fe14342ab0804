using System.Diagnostics.Metrics;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>What the app sees of each shard on each path, as metrics in the dashboard (tags <c>shard</c>, <c>path</c>): each request's outcome and latency, and each outage's length.</summary>
internal sealed class FrontDoorMetrics : IDisposable
{
    public const string MeterName = "RedisHaLab.FrontDoorClient";

    private readonly Meter meter = new(MeterName);

    public FrontDoorMetrics()
    {
        Requests = meter.CreateCounter<long>("shard.requests", description: "SET + GET pairs, by shard, path (front-door, sentinels) and outcome (ok, failed)");
        Latency = meter.CreateHistogram<double>("shard.latency", unit: "ms", description: "Time of one SET + GET pair that succeeded, by shard and path");
        Outages = meter.CreateHistogram<double>("shard.outage", unit: "s", description: "By shard and path, from the start of the first request not served in time to the end of the next success");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> Latency { get; }

    public Histogram<double> Outages { get; }

    public void Dispose() => meter.Dispose();
}
