using System.Diagnostics.Metrics;

namespace RedisHaLab.Samples.FrontDoorClient;

/// <summary>What the app sees of each shard, as metrics in the dashboard (tag <c>shard</c>): each request's outcome and latency, and each outage's length.</summary>
internal sealed class FrontDoorMetrics : IDisposable
{
    public const string MeterName = "RedisHaLab.FrontDoorClient";

    private readonly Meter meter = new(MeterName);

    public FrontDoorMetrics()
    {
        Requests = meter.CreateCounter<long>("frontdoor.requests", description: "SET + GET pairs through the front door, by shard and outcome (ok, failed)");
        Latency = meter.CreateHistogram<double>("frontdoor.latency", unit: "ms", description: "Time of one SET + GET pair that succeeded, by shard");
        Outages = meter.CreateHistogram<double>("frontdoor.outage", unit: "s", description: "By shard, from the start of the first request not served in time to the end of the next success");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> Latency { get; }

    public Histogram<double> Outages { get; }

    public void Dispose() => meter.Dispose();
}
