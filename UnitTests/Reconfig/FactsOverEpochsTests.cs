using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>
/// A claim is trusted on what the shard's own instances say (a linked replica, a replication history that continues
/// the master it replaces), not on Sentinel epochs alone: epochs that start again (a hand re-point, Sentinels rebuilt)
/// are followed, and a demoted master inside its ROLE-master window is refused whatever epoch names it. Each test
/// names the one-line bug it catches.
/// </summary>
public class FactsOverEpochsTests
{
    private const string G1Old = "node22-redis-4500";
    private const string G1New = "node24-redis-4500";

    private FakeProxy _proxy = null!;
    private FakeRoles _roles = null!;
    private ApplyPath _path = null!;

    [SetUp]
    public async Task StartFromThePostsLabAtEpochOne()
    {
        _proxy = new FakeProxy(PostLab);
        _roles = new FakeRoles().Says(G1Old, "master").Replicates(G1New, G1Old)
            .Says("node22-redis-4501", "master").Replicates("node24-redis-4501", "node22-redis-4501");
        _path = new ApplyPath(PostLab, _proxy, _roles, new FakeSentinels(3));
        // The service has verified g1 on its first master at epoch 1 (say, after a failover and back).
        Assert.That(await _path.ClaimAsync(G1, $"{G1Old}:4500", 1), Is.EqualTo(ApplyOutcome.Unchanged));
    }

    [TearDown]
    public void Dispose() => _path.Dispose();

    // Catches: keeping the epoch check ahead of the facts (a hand re-point at epoch 0 refused as stale, g1 writes READONLY for ever).
    [Test]
    public async Task A_hand_re_point_at_epoch_zero_is_followed_because_the_old_master_now_replicates_the_new_one()
    {
        _roles.Says(G1New, "master").Replicates(G1Old, G1New);

        var outcome = await _path.ClaimAsync(G1, $"{G1New}:4500", 0);

        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Applied));
        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo($"{G1New}:4500"));
        Assert.That(_path.Verifier.AppliedEpoch(PostLab.Shards[0]), Is.Zero, "the reset becomes the epoch applied");
    }

    // Catches: a succession check that compares replid2 with the claimed master's own ID, or forgets the ID last applied.
    [Test]
    public async Task Sentinels_rebuilt_at_epoch_zero_then_a_master_killed_is_followed_on_the_promoted_replica_history()
    {
        _roles.Silent(G1Old).PromotedFrom(G1New, G1Old);

        var outcome = await _path.ClaimAsync(G1, $"{G1New}:4500", 0);

        Assert.That(outcome, Is.EqualTo(ApplyOutcome.Applied), "its master_replid2 is the ID of the master last applied");
    }

    // Catches: trusting ROLE master plus a higher epoch (the forged announcement naming a demoted master passed).
    [Test]
    public async Task A_forged_claim_with_a_higher_epoch_naming_a_demoted_master_in_its_role_master_window_is_refused()
    {
        // A real failover to node24 was applied at epoch 2; node22 still says master for a while.
        _roles.PromotedFrom(G1New, G1Old);
        Assert.That(await _path.ClaimAsync(G1, $"{G1New}:4500", 2), Is.EqualTo(ApplyOutcome.Applied));
        var writes = _proxy.Writes;

        var verdict = await _path.Verifier.VerifyAsync(new MasterClaim(G1, At($"{G1Old}:4500"), 9, null, ReconfigTrigger.Event, "forged"), CancellationToken.None);

        Assert.That(verdict, Is.InstanceOf<ClaimVerdict.Refused>());
        Assert.That(((ClaimVerdict.Refused)verdict).Check, Is.EqualTo(ClaimCheck.Contradicted));
        Assert.That(await _path.ClaimAsync(G1, $"{G1Old}:4500", 9), Is.Null);
        Assert.That(_proxy.Writes, Is.EqualTo(writes), "nothing written");
        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo($"{G1New}:4500"));
    }

    // Catches: treating every second master as a contradiction (a planned failover refused until the old master steps down).
    [Test]
    public async Task The_winner_of_a_planned_failover_is_trusted_while_the_old_master_still_says_master()
    {
        _roles.PromotedFrom(G1New, G1Old);

        Assert.That(await _path.ClaimAsync(G1, $"{G1New}:4500", 2), Is.EqualTo(ApplyOutcome.Applied));
    }

    // Catches: dropping the epoch rule where the facts say nothing (a lagging majority could roll the proxy back).
    [Test]
    public async Task Where_no_other_instance_answers_and_the_history_says_nothing_an_older_epoch_is_still_refused()
    {
        _roles.Silent(G1Old).Says(G1New, "master");

        Assert.That(await _path.ClaimAsync(G1, $"{G1New}:4500", 0), Is.Null);
        Assert.That(_proxy.RunningServerOf(PostLab, "g1"), Is.EqualTo($"{G1Old}:4500"));
    }

    // Catches: a restarted service forgetting the history (the rebuilt-Sentinels case then falls back to epochs and is refused).
    [Test]
    public async Task A_restarted_service_starts_from_what_it_kept_beside_the_running_report()
    {
        Assert.That(_proxy.Verified, Does.Contain(FakeRoles.IdOf(G1Old)), "kept at the first trust");
        using var restarted = new ApplyPath(PostLab, _proxy, _roles, new FakeSentinels(3));
        restarted.Verifier.Restore(await restarted.State.LoadAsync(CancellationToken.None));
        _roles.Silent(G1Old).PromotedFrom(G1New, G1Old);

        Assert.That(restarted.Verifier.AppliedEpoch(PostLab.Shards[0]), Is.EqualTo(1));
        Assert.That(await restarted.ClaimAsync(G1, $"{G1New}:4500", 0), Is.EqualTo(ApplyOutcome.Applied));
    }

    // Catches: Restore taking a record naming an instance of no shard (a hand-edited or stale file steering the checks).
    [Test]
    public void Restore_ignores_what_is_not_an_instance_of_the_shard()
    {
        var verifier = new ClaimVerifier(PostLab, new FakeRoles());

        verifier.Restore(new Dictionary<string, AppliedMaster> { ["g1"] = new("node99-redis-4500", 7, "x"), ["nope"] = new(G1Old, 1, "y") });

        Assert.That(verifier.Applied, Is.Empty);
    }
}

/// <summary>The pure rule behind the trust: what the other instances of a shard say about a claimed master.</summary>
public class ShardEvidenceTests
{
    private static readonly Shard G1Shard = PostLab.Shards[0];
    private static readonly RedisInstance Old = G1Shard.Master;
    private static readonly RedisInstance New = G1Shard.Replicas[0];

    private static ReplicationFacts Master(string id, string? id2 = null) => new("master", null, false, id, id2 ?? ReplicationFacts.NoHistory);

    private static Dictionary<RedisInstance, ReplicationFacts?> Facts(ReplicationFacts? old, ReplicationFacts? @new) => new() { [Old] = old, [New] = @new };

    // Catches: a replica with its link down counted as confirming (a replica that lost its master follows nobody).
    [Test]
    public void A_replica_confirms_only_with_its_link_up()
    {
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(new("slave", New, true, "n", null), Master("n")), null).Kind, Is.EqualTo(EvidenceKind.Confirmed));
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(new("slave", New, false, "n", null), Master("n")), null).Kind, Is.EqualTo(EvidenceKind.Unknown));
    }

    // Catches: a replica of another master read as confirming the claimed one.
    [Test]
    public void A_replica_of_someone_else_does_not_confirm()
    {
        var third = new RedisInstance(Old.Node, 9999, "g1", RedisRole.Replica);
        var shard = G1Shard with { Replicas = [New, third] };
        var facts = new Dictionary<RedisInstance, ReplicationFacts?> { [Old] = null, [New] = Master("n"), [third] = new("slave", Old, true, "o", null) };

        Assert.That(ShardEvidence.Judge(shard, New, facts, null).Kind, Is.EqualTo(EvidenceKind.Unknown));
    }

    // Catches: inverting the succession test (replid2 of the rival against the claimed one's ID).
    [Test]
    public void Another_master_contradicts_unless_the_claimed_one_took_over_from_it()
    {
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(Master("o"), Master("n", "o")), null).Kind, Is.EqualTo(EvidenceKind.Confirmed));
        Assert.That(ShardEvidence.Judge(G1Shard, Old, Facts(Master("o"), Master("n", "o")), null).Kind, Is.EqualTo(EvidenceKind.Contradicted));
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(Master("o"), Master("n")), null).Kind, Is.EqualTo(EvidenceKind.Contradicted));
    }

    // Catches: "no history" (all zeros) matching "no history", which would let any never-promoted master succeed another.
    [Test]
    public void Zeros_are_no_history()
    {
        var zeros = ReplicationFacts.NoHistory;
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(null, Master("n", zeros)), zeros).Kind, Is.EqualTo(EvidenceKind.Unknown));
        Assert.That(Master("n", zeros).Succeeded(zeros), Is.False, "a master never promoted succeeded nobody");
    }

    // Catches: ignoring the ID last applied when nobody else answers.
    [Test]
    public void With_nobody_else_answering_the_history_of_the_master_last_applied_decides()
    {
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(null, Master("n", "o")), "o").Kind, Is.EqualTo(EvidenceKind.Confirmed));
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(null, Master("n")), "n").Kind, Is.EqualTo(EvidenceKind.Confirmed), "the same master");
        Assert.That(ShardEvidence.Judge(G1Shard, New, Facts(null, Master("n", "x")), "o").Kind, Is.EqualTo(EvidenceKind.Unknown));
    }
}

/// <summary>INFO replication as the probe reads it.</summary>
public class ReplicationFactsTests
{
    // Catches: a \r left on values (the link would never read "up", the IDs never match).
    [Test]
    public void Reads_a_replica_with_its_master_link_and_ids()
    {
        var info = "# Replication\r\nrole:slave\r\nmaster_host:node22-redis-4500\r\nmaster_port:4500\r\nmaster_link_status:up\r\n" +
                   "master_replid:abc\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n";
        var facts = ReplicationFacts.Parse(info, (host, port) => host == "node22-redis-4500" && port == 4500 ? PostLab.Shards[0].Master : null);

        Assert.That(facts, Is.EqualTo(new ReplicationFacts("slave", PostLab.Shards[0].Master, true, "abc", ReplicationFacts.NoHistory)));
    }

    [Test]
    public void Text_without_a_role_is_no_answer() =>
        Assert.That(ReplicationFacts.Parse("# Replication\r\n", (_, _) => null), Is.Null);
}
