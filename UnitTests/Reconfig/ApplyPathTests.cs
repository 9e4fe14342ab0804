using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>
/// The reconfig service from a claim to the proxy running it, over fakes of the proxy's folder, the Sentinels and the
/// instances' ROLE. Each test names the one-line bug it exists to catch.
/// </summary>
public class ApplyPathTests
{
    private const string G2Failover = $"{G2} node22-redis-4501 4501 node24-redis-4501 4501";

    private FakeProxy _proxy = null!;
    private FakeRoles _roles = null!;
    private ApplyPath _path = null!;

    [SetUp]
    public void StartFromThePostsLab()
    {
        _proxy = new FakeProxy(PostLab);
        _roles = new FakeRoles().Says("node22-redis-4500", "master").Says("node24-redis-4500", "slave")
            .Says("node22-redis-4501", "master").Says("node24-redis-4501", "slave");
        _path = new ApplyPath(PostLab, _proxy, _roles, new FakeSentinels(3));
    }

    [TearDown]
    public void Dispose() => _path.Dispose();

    // Catches: the claim handler dropping a verified announcement (the worker dropping it: ReconfigWorkerTests).
    [Test]
    public async Task A_verified_announcement_moves_the_shard_and_the_proxy_reports_running_it()
    {
        PromoteG2Replica(epoch: 1);

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Applied));
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo("node22-redis-4500:4500"), "the other shard stays");
    }

    // Catches: a hop after the verifier re-deriving the decision or dropping its evidence (the old master an unnamed
    // server is found by, the epoch and replication ID remembered, the Sentinel that said so).
    [Test]
    public async Task The_verifiers_decision_carries_shard_instance_address_and_evidence_as_one_record()
    {
        PromoteG2Replica(epoch: 4);
        Assert.That(SwitchMasterEvent.TryParse(G2Failover, out var announcement, out _), Is.True);
        var claim = ClaimHandler.FromAnnouncement(announcement!, "node23-sentinel", await _path.Sentinels.AskOneAsync("node23-sentinel", G2));

        var verdict = await _path.Verifier.VerifyAsync(claim, CancellationToken.None);

        var g2 = PostLab.Shards[1];
        var decision = ((ClaimVerdict.Trusted)verdict).Decision;
        Assert.That((decision.Shard, decision.Instance, decision.Address), Is.EqualTo((g2, g2.Replicas[0], At("node24-redis-4501:4501"))));
        Assert.That(decision.Evidence with { Why = "" }, Is.EqualTo(new DecisionEvidence(ReconfigTrigger.Event, "node23-sentinel's +switch-master", 4,
            FakeRoles.IdOf("node24-redis-4501"), At("node22-redis-4501:4501"), "")));
    }

    // Catches: a master name parsed instead of looked up in the inventory (this one looks like g1's but is no shard's).
    [Test]
    public async Task A_master_name_no_shard_is_monitored_as_is_refused_before_anything_is_asked()
    {
        var outcome = await _path.ClaimAsync("redis_14555_g1_4501", "node24-redis-4500:4500", 9);

        Assert.That(outcome, Is.Null);
        Assert.That((_proxy.Writes, _roles.Asked.Count), Is.EqualTo((0, 0)));
    }

    // Catches: dropping the inventory check (a): g1's keys would go to g2's master.
    [Test]
    public async Task An_address_of_another_shard_is_refused_and_nothing_is_written()
    {
        _path.Sentinels.Says("node23-sentinel", G1, "node22-redis-4501:4501", 9);

        var outcome = await _path.AnnounceAsync("node23-sentinel", $"{G1} node22-redis-4500 4500 node22-redis-4501 4501");

        Assert.That(outcome, Is.Null, "refused");
        Assert.That(_proxy.Writes, Is.Zero);
        Assert.That(_roles.Asked, Is.Empty, "a stranger's address is never even contacted");
    }

    // Catches: dropping the ROLE check (c).
    [Test]
    public async Task An_instance_of_the_shard_that_does_not_say_master_is_refused()
    {
        _path.Sentinels.Says("node23-sentinel", G2, "node24-redis-4501:4501", 3);

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.Null);
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node22-redis-4501:4501"));
    }

    // Catches: dropping the epoch check (b), or comparing epochs the wrong way round.
    [Test]
    public async Task A_lagging_majority_never_rolls_the_proxy_back()
    {
        PromoteG2Replica(epoch: 5);
        await _path.AnnounceAsync("node24-sentinel", G2Failover);
        // Two Sentinels have not caught up yet, and the old master happens to answer as master (it was not dead,
        // only cut off): everything but the epoch says "go back".
        _path.Sentinels.Says("node22-sentinel", G2, "node22-redis-4501:4501", 4).Says("node23-sentinel", G2, "node22-redis-4501:4501", 4);
        _roles.Says("node22-redis-4501", "master");

        await _path.Reconciler.RunOnceAsync("test", CancellationToken.None);

        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
        Assert.That(_path.Verifier.AppliedEpoch(PostLab.Shards[1]), Is.EqualTo(5));
    }

    // Catches: trusting the announcement's payload instead of asking its Sentinel (a late replay after a fail-back).
    [Test]
    public async Task An_announcement_its_own_Sentinel_no_longer_confirms_is_refused()
    {
        // The Sentinel has since failed back to node22; the old announcement arrives late.
        _path.Sentinels.Says("node23-sentinel", G2, "node22-redis-4501:4501", 6);
        _roles.Says("node24-redis-4501", "master");

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.Null);
        Assert.That(_proxy.Writes, Is.Zero);
    }

    // Catches: an epoch never remembered (remembered before the proxy confirmed: the two tests of a refused or unconfirmed config).
    [Test]
    public async Task A_replay_of_an_older_failover_after_a_newer_one_is_refused()
    {
        PromoteG2Replica(epoch: 7);
        await _path.AnnounceAsync("node23-sentinel", G2Failover);
        _roles.Says("node22-redis-4501", "master").Says("node24-redis-4501", "slave");

        // Epoch 6 pointed at node22: older than what the proxy was set to.
        var outcome = await _path.ClaimAsync(G2, "node22-redis-4501:4501", 6);

        Assert.That(outcome, Is.Null);
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
    }

    // Catches: comparing with the wanted file instead of with what nutcracker runs (the service killed between
    // rename and apply: the file is new, nutcracker still runs the old config, every pass finds "unchanged").
    [Test]
    public async Task A_wanted_file_that_never_ran_is_repaired_by_the_next_reconcile()
    {
        PromoteG2Replica(epoch: 1);
        _proxy.Behaviour = ProxyBehaviour.Frozen;
        var first = await _path.AnnounceAsync("node23-sentinel", G2Failover);
        Assert.That(first, Is.EqualTo(ApplyOutcome.Failed), "not confirmed while frozen");
        // A new service process (the old one died) against a proxy that missed the change, now awake again.
        var restarted = new ApplyPath(PostLab, _proxy, _roles, _path.Sentinels);
        _proxy.Behaviour = ProxyBehaviour.Applies;
        _path.Sentinels.Says("node22-sentinel", G2, "node24-redis-4501:4501", 1).Says("node24-sentinel", G2, "node24-redis-4501:4501", 1);
        var writesBefore = _proxy.Writes;

        await restarted.Reconciler.RunOnceAsync("start-up", CancellationToken.None);

        Assert.That(_proxy.Writes, Is.EqualTo(writesBefore + 1), "the wanted file is written again, which wakes the proxy");
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
        restarted.Dispose();
    }

    // Catches: the proxy's refusal ignored (counted as applied, or the epoch remembered anyway).
    [Test]
    public async Task A_config_the_proxy_refuses_is_reported_rejected_and_the_old_one_keeps_running()
    {
        PromoteG2Replica(epoch: 2);
        _proxy.Behaviour = ProxyBehaviour.Refuses;

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Rejected));
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node22-redis-4501:4501"));
        Assert.That(_path.Verifier.AppliedEpoch(PostLab.Shards[1]), Is.Null);
    }

    // Catches: building the wanted config from scratch per claim (a pending change of one shard lost to another's).
    [Test]
    public async Task A_change_the_proxy_has_not_run_yet_is_kept_when_another_shard_moves()
    {
        PromoteG2Replica(epoch: 1);
        _proxy.Behaviour = ProxyBehaviour.Frozen;
        await _path.AnnounceAsync("node23-sentinel", G2Failover);
        _proxy.Behaviour = ProxyBehaviour.Applies;
        _roles.Says("node24-redis-4500", "master").Says("node22-redis-4500", "slave");
        _path.Sentinels.Says("node23-sentinel", G1, "node24-redis-4500:4500", 1);

        await _path.AnnounceAsync("node23-sentinel", $"{G1} node22-redis-4500 4500 node24-redis-4500 4500");

        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo("node24-redis-4500:4500"));
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
    }

    // Catches: rewriting (and so restarting nutcracker) when the proxy already runs the wanted config.
    [Test]
    public async Task Repeats_of_an_applied_failover_write_nothing()
    {
        PromoteG2Replica(epoch: 1);
        await _path.AnnounceAsync("node23-sentinel", G2Failover);
        var writes = _proxy.Writes;

        var repeats = new[]
        {
            await _path.AnnounceAsync("node22-sentinel", G2Failover),
            await _path.AnnounceAsync("node24-sentinel", G2Failover),
        };

        Assert.That(repeats, Is.All.EqualTo(ApplyOutcome.Unchanged));
        Assert.That(_proxy.Writes, Is.EqualTo(writes));
    }

    // Catches: leaving a wanted file the proxy refused in place (its next restart would start from it).
    [Test]
    public async Task A_wanted_file_that_differs_from_what_runs_is_set_back_when_nothing_needs_to_change()
    {
        var running = _proxy.Running;
        _proxy.Wanted = "redis_14555: [ broken";
        foreach (var sentinel in new[] { "node22-sentinel", "node23-sentinel", "node24-sentinel" })
        {
            _path.Sentinels.Says(sentinel, G1, "node22-redis-4500:4500", 0).Says(sentinel, G2, "node22-redis-4501:4501", 0);
        }

        await _path.Reconciler.RunOnceAsync("periodic", CancellationToken.None);

        Assert.That(_proxy.Wanted, Is.EqualTo(running));
        Assert.That(_proxy.Running, Is.EqualTo(running));
    }

    // Catches: a frozen proxy taken for a confirmed one (outcome read from the file written, not the proxy's report).
    [Test]
    public async Task A_proxy_that_does_not_report_running_the_config_is_not_counted_as_applied()
    {
        PromoteG2Replica(epoch: 1);
        _proxy.Behaviour = ProxyBehaviour.Frozen;

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Failed));
        Assert.That(_proxy.Wanted, Does.Contain("node24-redis-4501:4501:1 g2"), "the change was handed over");
        Assert.That(_path.Verifier.AppliedEpoch(PostLab.Shards[1]), Is.Null, "but not remembered as applied");
    }

    // Catches: acting on an unordered claim (an epoch that could not be learned).
    [Test]
    public async Task An_announcement_from_a_Sentinel_that_cannot_be_asked_is_refused()
    {
        _roles.Says("node24-redis-4501", "master");

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(outcome, Is.Null);
        Assert.That(_proxy.Writes, Is.Zero);
    }

    // Catches: the reconcile's majority counted over the Sentinels that answered: one left alone would decide.
    [Test]
    public async Task One_Sentinel_of_three_answering_does_not_move_the_proxy_on_a_reconcile()
    {
        _roles.Says("node24-redis-4501", "master").Says("node22-redis-4501", "slave");
        _path.Sentinels.Says("node23-sentinel", G2, "node24-redis-4501:4501", 7);

        await _path.Reconciler.RunOnceAsync("test", CancellationToken.None);

        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node22-redis-4501:4501"));
        Assert.That(_proxy.Writes, Is.Zero);
    }

    // Catches: confirming an apply on the running YAML instead of the record (the YAML is written first, the record
    // once the process accepts: a YAML alone is no confirmation).
    [Test]
    public async Task An_apply_is_confirmed_by_the_records_hash_not_by_the_running_yaml()
    {
        PromoteG2Replica(epoch: 1);
        _proxy.RecordLags = true;

        var outcome = await _path.AnnounceAsync("node23-sentinel", G2Failover);

        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"), "the YAML says it runs");
        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Failed), "but the record does not, yet");

        _proxy.Recorded = _proxy.Running;
        Assert.That(await _path.AnnounceAsync("node24-sentinel", G2Failover), Is.EqualTo(ApplyOutcome.Unchanged), "once recorded, it runs");
    }

    // Catches: reading (and parsing) the running YAML on every pass and every readiness answer, the record unused; or a
    // confirmed config not kept as known content.
    [Test]
    public async Task The_running_yaml_is_read_once_to_learn_what_runs_and_never_after_a_confirmed_apply()
    {
        PromoteG2Replica(epoch: 1);

        Assert.That(await _path.AnnounceAsync("node23-sentinel", G2Failover), Is.EqualTo(ApplyOutcome.Applied));
        await _path.Reconciler.RunOnceAsync("periodic", CancellationToken.None);
        var look = await _path.Running.LookAsync(CancellationToken.None);

        Assert.That(_proxy.RunningReads, Is.EqualTo(1), "read once, at the first look: the service did not know what runs");
        Assert.That(look.Running!.Text, Is.EqualTo(_proxy.Running));
    }

    // Catches: the running process's start left out of a look, on either path (readiness could then never say
    // "protected"), or taken from a record whose process is being started again (pid 0).
    [Test]
    public async Task A_look_says_when_the_running_process_began_accepting_and_never_while_it_is_being_started_again()
    {
        var accepting = DateTimeOffset.FromUnixTimeMilliseconds(_proxy.RecordedSinceUnixMs).UtcDateTime;

        var learned = await _path.Running.LookAsync(CancellationToken.None);
        var known = await _path.Running.LookAsync(CancellationToken.None);
        Assert.That(_proxy.RunningReads, Is.EqualTo(1), "the first look learned the content, the second knew it");
        Assert.That((learned.AcceptingSinceUtc, known.AcceptingSinceUtc), Is.EqualTo(((DateTime?)accepting, (DateTime?)accepting)));

        _proxy.RecordedPid = 0;
        Assert.That((await _path.Running.LookAsync(CancellationToken.None)).AcceptingSinceUtc, Is.EqualTo(DateTime.MaxValue));
    }

    // Catches: trusting a running YAML its record does not vouch for (between the supervisor's two writes, or a stray write).
    [Test]
    public async Task A_running_yaml_that_does_not_match_its_record_is_not_taken_for_what_runs()
    {
        var recorded = _proxy.Running;
        _proxy.RecordLags = true;
        _proxy.Running = recorded!.Replace("node22-redis-4501:4501", "node24-redis-4501:4501");

        var look = await _path.Running.LookAsync(CancellationToken.None);

        Assert.That(look, Is.EqualTo(new RunningLook(null, "the proxy's running config does not match its running record yet", MayPass: true)));
    }

    // Catches: the known content kept after the proxy went back to another config on its own (readiness would say "up"
    // for a proxy that runs the old master).
    [Test]
    public async Task A_record_naming_another_config_is_learned_from_the_running_yaml_again()
    {
        PromoteG2Replica(epoch: 1);
        foreach (var sentinel in new[] { "node22-sentinel", "node23-sentinel", "node24-sentinel" })
        {
            _path.Sentinels.Says(sentinel, G1, "node22-redis-4500:4500", 0);
        }
        var before = _proxy.Running;
        await _path.Reconciler.RunOnceAsync("periodic", CancellationToken.None);
        Assert.That(_proxy.RunningServerOf(PostLab, "g2"), Is.EqualTo("node24-redis-4501:4501"));
        var reads = _proxy.RunningReads;

        // The new nutcracker died at once: the supervisor is back on the previous config and reports it.
        _proxy.Running = before;
        var readiness = ProxyReadiness.Decide(PostLab, _path.Reconfigurator.VerifiedMasters, await _path.Running.LookAsync(CancellationToken.None));

        Assert.That(_proxy.RunningReads, Is.EqualTo(reads + 1));
        Assert.That(readiness.Reason, Does.StartWith("stale: runs shard g2 on node22-redis-4501:4501"));
    }

    private void PromoteG2Replica(long epoch)
    {
        _roles.Says("node24-redis-4501", "master").Says("node22-redis-4501", "slave");
        foreach (var sentinel in new[] { "node22-sentinel", "node23-sentinel", "node24-sentinel" })
        {
            _path.Sentinels.Says(sentinel, G2, "node24-redis-4501:4501", epoch);
        }
    }
}
