using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class ReconfigTelemetryTests
{
    [Test]
    public void Instruments_carry_the_names_and_tags_the_dashboard_is_searched_by()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var telemetry = new ReconfigTelemetry(services.GetRequiredService<IMeterFactory>());
        var measured = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReconfigTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Add((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Add((i.Name, v, ToDictionary(tags))));
        listener.Start();

        telemetry.FailoverSeen(G1);
        telemetry.Applied("g1", "event", 12.5);
        telemetry.Rejected("g2", "reconcile");

        Assert.That(measured.Select(m => $"{m.Instrument}={m.Value} {string.Join(",", m.Tags.OrderBy(t => t.Key).Select(t => $"{t.Key}:{t.Value}"))}"),
            Is.EqualTo(new[]
            {
                $"reconfig.failovers_seen=1 master_name:{G1}",
                "reconfig.applied=1 shard:g1,trigger:event",
                "reconfig.apply_duration=12.5 shard:g1,trigger:event",
                "reconfig.rejected=1 shard:g2,trigger:reconcile",
            }));
    }

    [Test]
    public void A_reconfiguration_span_names_shard_master_addresses_and_trigger()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ReconfigTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var g1 = PostLab.Shards[0];
        var decision = new MasterDecision(g1, g1.Replicas[0], At("node24-redis-4500:4500"),
            new DecisionEvidence(ReconfigTrigger.Reconcile, "3 of 3 Sentinels", 3, null, null, "test"));

        using var activity = ReconfigTelemetry.StartReconfiguration(decision, "node22-redis-4500:4500");

        Assert.That(activity, Is.Not.Null);
        Assert.That(activity!.Tags.ToDictionary(t => t.Key, t => t.Value), Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["shard"] = "g1",
            ["master_name"] = G1,
            ["old_address"] = "node22-redis-4500:4500",
            ["new_address"] = "node24-redis-4500:4500",
            ["trigger"] = "reconcile",
            ["source"] = "3 of 3 Sentinels",
        }));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }
        return result;
    }
}
