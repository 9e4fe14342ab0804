using RedisHaLab.Probes;



namespace RedisHaLab.UnitTests.Chaos;

/// <summary>Sentinel's rules for a replica it would promote, read from its <c>SENTINEL REPLICAS</c> fields.</summary>
public class ReplicaFitnessTests
{
    private static readonly TimeSpan DownAfter = TimeSpan.FromMilliseconds(2500);

    // What a Sentinel of the lab reports for a healthy replica (trimmed to the fields the rules read).
    private static Dictionary<string, string> Healthy() => new()
    {
        ["name"] = "node24-redis-4500:4500",
        ["flags"] = "slave",
        ["info-refresh"] = "4180",
        ["last-ok-ping-reply"] = "412",
        ["role-reported"] = "slave",
        ["master-link-down-time"] = "0",
        ["master-link-status"] = "ok",
        ["slave-priority"] = "100",
    };

    [Test]
    public void A_linked_replica_with_recent_info_is_fit() =>
        Assert.That(ReplicaFitness.UnfitBecause(Healthy(), DownAfter), Is.Null);

    [TestCase("flags", "s_down,slave", "flagged s_down,slave")]
    [TestCase("flags", "slave,disconnected", "flagged slave,disconnected")]
    [TestCase("last-ok-ping-reply", "5001", "its last good PING reply is 5001 ms old")]
    [TestCase("info-refresh", "30001", "last INFO from it is 30001 ms old")]
    [TestCase("master-link-down-time", "25001", "its link to the master was down for 25001 ms")]
    [TestCase("slave-priority", "0", "replica-priority is 0")]
    public void Each_rule_Sentinel_skips_a_replica_for_is_named(string field, string value, string reason)
    {
        var fields = Healthy();
        fields[field] = value;

        Assert.That(ReplicaFitness.UnfitBecause(fields, DownAfter), Does.Contain(reason));
    }

    [Test]
    public void A_replica_never_asked_for_info_is_not_fit()
    {
        // A replica just demoted from master is a new entry in the Sentinel: until its first INFO there is no refresh time.
        var fields = Healthy();
        fields.Remove("info-refresh");

        Assert.That(ReplicaFitness.UnfitBecause(fields, DownAfter), Does.Contain("last INFO from it is ? ms old"));
    }

    [Test]
    public void An_info_refresh_of_zero_means_no_info_yet_not_a_fresh_one() =>
        // Redis 7 writes 0 for an entry whose info_refresh was never set (its selection then skips the replica).
        Assert.That(ReplicaFitness.UnfitBecause(new Dictionary<string, string>(Healthy()) { ["info-refresh"] = "0" }, DownAfter),
            Does.Contain("no INFO from it yet"));

    [Test]
    public void A_stale_role_or_link_status_is_not_held_against_it_as_Sentinel_does_not()
    {
        // A replica just demoted from master: the Sentinel's last INFO of it may still say master, link down.
        var fields = Healthy();
        fields["role-reported"] = "master";
        fields["master-link-status"] = "err";

        Assert.That(ReplicaFitness.UnfitBecause(fields, DownAfter), Is.Null);
    }

    [Test]
    public void The_edges_of_the_limits_are_still_fit()
    {
        var fields = Healthy();
        fields["info-refresh"] = "30000";
        fields["master-link-down-time"] = "25000";
        fields["last-ok-ping-reply"] = "5000";

        Assert.That(ReplicaFitness.UnfitBecause(fields, DownAfter), Is.Null);
    }
}
