using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>The proxy health check's verdict from each shard's write and read back.</summary>
public class ProxyHealthVerdictTests
{
    private static readonly HealthKey G1 = new("redis-ha-lab:health:p:g1:3", "g1");
    private static readonly HealthKey G2 = new("redis-ha-lab:health:p:g2:0", "g2");
    private static readonly HealthKey G3 = new("redis-ha-lab:health:p:g3:1", "g3");

    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1300);

    [Test]
    public void Every_shard_written_and_read_back_is_healthy_and_names_them()
    {
        var result = ProxyHealthVerdict.Of([new(G1, null), new(G2, null)]);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(result.Description, Is.EqualTo("writes and reads on g1, g2"));
    }

    [Test]
    public void One_failing_shard_is_unhealthy_and_only_that_shard_is_named()
    {
        var result = ProxyHealthVerdict.Of([new(G1, "READONLY You can't write against a read only replica."), new(G2, null), new(G3, null)]);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Is.EqualTo("g1: READONLY You can't write against a read only replica."));
    }

    [Test]
    public void Shards_failing_for_the_same_reason_are_named_together()
    {
        var result = ProxyHealthVerdict.Of([new(G1, "timeout"), new(G2, "ERR Connection refused"), new(G3, "timeout")]);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Is.EqualTo("g1, g3: timeout; g2: ERR Connection refused"));
    }

    [Test]
    public void Keys_of_unknown_shard_are_counted_when_healthy_and_named_when_not()
    {
        var keys = Enumerable.Range(0, 6).Select(i => new HealthKey($"k{i}", null)).ToList();

        Assert.That(ProxyHealthVerdict.Of([.. keys.Select(k => new HealthKeyOutcome(k, null))]).Description, Does.StartWith("writes and reads 6 keys"));
        var failing = ProxyHealthVerdict.Of([.. keys.Select(k => new HealthKeyOutcome(k, "timeout"))]);
        Assert.That(failing.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(failing.Description, Is.EqualTo("k0, k1, k2, k3 and 2 more: timeout"));
    }

    [Test]
    public void A_value_read_back_that_differs_from_the_one_written_is_a_failure()
    {
        Assert.That(ProxyHealthVerdict.ReadBackProblem("abc", "abc", mustMatch: true), Is.Null);
        Assert.That(ProxyHealthVerdict.ReadBackProblem("abc", "xyz", mustMatch: true), Does.Contain("'xyz'"));
        Assert.That(ProxyHealthVerdict.ReadBackProblem("abc", RedisValue.Null, mustMatch: true), Does.Contain("nothing"));
        Assert.That(ProxyHealthVerdict.ReadBackProblem("abc", "xyz", mustMatch: false), Is.Null, "random distribution: the GET only has to be answered");
    }

    [Test]
    public void A_request_that_outlives_the_budget_or_the_clients_timeout_reads_as_a_timeout()
    {
        Assert.That(ProxyHealthVerdict.Reason(new OperationCanceledException(), Budget), Is.EqualTo("timeout (no answer within 1.3 s)"));
        Assert.That(ProxyHealthVerdict.Reason(RedisErrors.Timeout("Timeout awaiting response (outbound=0KiB, ...)", CommandStatus.Sent), Budget),
            Does.StartWith("timeout"));
    }

    [Test]
    public void A_server_error_is_shown_as_the_server_said_it_and_a_lost_connection_briefly()
    {
        Assert.That(ProxyHealthVerdict.Reason(RedisErrors.Server("READONLY You can't write against a read only replica."), Budget),
            Is.EqualTo("READONLY You can't write against a read only replica."));
        Assert.That(ProxyHealthVerdict.Reason(RedisErrors.Connection(ConnectionFailureType.UnableToConnect, "It was not possible to connect ... long text"), Budget),
            Is.EqualTo("no connection to it (UnableToConnect)"));
    }
}
