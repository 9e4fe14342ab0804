using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>
/// A switchover's stages over a scripted lab: for each stage an abort can happen in, what it does before the pause is
/// released. Once SENTINEL FAILOVER was asked for, a promoted replica means the old master is demoted first.
/// </summary>
public class SwitchoverProcedureTests
{
    private static readonly SwitchoverBounds Short = new(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(60),
        TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(5));

    private static Shard G1 => ScenarioFiles.PostLab.Shards.Single(s => s.Name == "g1");

    private static RedisInstance Replica => G1.Replicas[0];

    [Test]
    public async Task A_switchover_that_holds_demotes_the_old_master_then_releases()
    {
        var lab = new ScriptedLab();

        var times = await new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None);

        Assert.That(times.Promoted, Is.EqualTo(Replica));
        Assert.That(lab.Acts, Is.EqualTo(new[] { "pause", "failover", $"demote to {Replica.Name}", "release" }));
    }

    [Test]
    public void A_replica_that_never_catches_up_aborts_with_a_release_and_nothing_else()
    {
        var lab = new ScriptedLab { CaughtUp = false };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts, Is.EqualTo(new[] { "pause", "release" }));
        Assert.That(error.Message, Does.Contain("aborted while waiting for the replica to have the master's whole offset").And.Contain("no failover was asked for"));
    }

    [Test]
    public void A_failover_no_Sentinel_accepts_leaves_the_old_master_in_charge_and_releases()
    {
        var lab = new ScriptedLab { Accepts = false };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts.Where(a => a != "failover"), Is.EqualTo(new[] { "pause", "release" }));
        Assert.That(error.Message, Does.Contain("asking for SENTINEL FAILOVER").And.Contain("the replica was never promoted"));
    }

    [Test]
    public void A_promotion_slower_than_its_bound_is_still_waited_for_and_the_old_master_demoted_before_the_release()
    {
        // The Sentinels name nobody within the stage's bound; the replica answers ROLE master a moment after the abort began.
        var lab = new ScriptedLab { SentinelsName = false, ReplicaPromotedAfter = 3 };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts.Where(a => a != "failover"), Is.EqualTo(new[] { "pause", $"demote to {Replica.Name}", "release" }));
        Assert.That(error.Message, Does.Contain("waiting for the Sentinels to name the new master").And.Contain($"made a replica of {Replica.Name}"));
    }

    [Test]
    public void A_proxy_that_never_follows_gets_the_old_master_demoted_before_the_release()
    {
        // The reconfig service is down: the promotion happened, the front door still sends g1 to the old master.
        var lab = new ScriptedLab { ProxyFollows = false };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts, Is.EqualTo(new[] { "pause", "failover", $"demote to {Replica.Name}", "release" }));
        Assert.That(error.Message, Does.Contain("waiting for the proxy to send the shard to the new master"));
    }

    [Test]
    public void A_proxy_check_that_hangs_on_the_paused_master_is_abandoned_in_time_to_demote_before_the_pause_ends()
    {
        // Seen on the lab: probe writes sent to the paused old master wait for the client's 2 s timeout, and the stage
        // overran the server's pause, which then released the held writes onto the old master before it was demoted.
        var lab = new ScriptedLab { ProxyHangs = true };
        // Bounded here too, so that a procedure that waits for the hung check fails this test instead of hanging it.
        Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.That(lab.Acts, Is.EqualTo(new[] { "pause", "failover", $"demote to {Replica.Name}", "release" }));
        Assert.That(lab.DemotedAt, Is.LessThan(Short.Pause), "demoted while the server still held the pause");
    }

    [Test]
    public void A_demotion_that_fails_once_is_tried_again_by_the_abort_before_the_release()
    {
        var lab = new ScriptedLab { DemotionFailures = 1 };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts, Is.EqualTo(new[] { "pause", "failover", "demote failed", $"demote to {Replica.Name}", "release" }));
        Assert.That(error.Message, Does.Contain("aborted while demoting the old master"));
    }

    [Test]
    public void A_promoted_replica_whose_old_master_cannot_be_demoted_is_never_released_early()
    {
        var lab = new ScriptedLab { DemotionFailures = 2 };

        var error = Assert.ThrowsAsync<ChaosException>(() => new SwitchoverProcedure(lab, Short).RunAsync("g1", CancellationToken.None))!;

        Assert.That(lab.Acts, Does.Not.Contain("release"));
        Assert.That(error.Message, Does.Contain("the pause is left to end on the server"));
    }

    /// <summary>A lab whose answers the test sets: each stage holds unless told otherwise.</summary>
    private sealed class ScriptedLab : ISwitchoverActions
    {
        private int _roleAsked;

        public List<string> Acts { get; } = [];

        public bool CaughtUp { get; init; } = true;

        public bool Accepts { get; init; } = true;

        public bool SentinelsName { get; init; } = true;

        public bool ProxyFollows { get; init; } = true;

        public bool ProxyHangs { get; init; }

        /// <summary>When the old master was demoted, from the pause.</summary>
        public TimeSpan DemotedAt { get; private set; }

        private readonly System.Diagnostics.Stopwatch _sincePause = new();

        /// <summary>After how many ROLE questions the replica answers master (0: as soon as a failover was accepted).</summary>
        public int ReplicaPromotedAfter { get; init; }

        public int DemotionFailures { get; set; }

        private bool Accepted => Acts.Contains("failover") && Accepts;

        public Task PauseWritesAsync(TimeSpan bound)
        {
            _sincePause.Start();
            Acts.Add("pause");
            return Task.CompletedTask;
        }

        public Task<string?> ReplicaBehindAsync() => Task.FromResult(CaughtUp ? null : "replica at offset 90, master at 100");

        public Task<string?> RequestFailoverAsync()
        {
            Acts.Add("failover");
            return Task.FromResult(Accepts ? null : "NOGOODSLAVE");
        }

        public Task<(RedisInstance? Promoted, string Seen)> PromotedAsync() =>
            Task.FromResult(SentinelsName && Accepted ? ((RedisInstance?)Replica, "") : (null, "the Sentinels name the old master"));

        public Task<string?> ProxyProblemAsync(RedisInstance promoted, TimeSpan within) =>
            ProxyHangs ? new TaskCompletionSource<string?>().Task : Task.FromResult(ProxyFollows ? null : "probe keys land on the old master");

        public Task<RedisInstance?> ReplicaIfPromotedAsync() =>
            Task.FromResult(Accepted && ++_roleAsked > ReplicaPromotedAfter ? Replica : null);

        public Task DemoteOldMasterAsync(RedisInstance promoted)
        {
            if (DemotionFailures > 0)
            {
                DemotionFailures--;
                Acts.Add("demote failed");
                throw RedisErrors.Connection(StackExchange.Redis.ConnectionFailureType.SocketFailure, "connection lost");
            }
            Acts.Add($"demote to {promoted.Name}");
            DemotedAt = _sincePause.Elapsed;
            return Task.CompletedTask;
        }

        public Task<string> ReleaseAsync()
        {
            Acts.Add("release");
            return Task.FromResult("the pause is released");
        }
    }
}
