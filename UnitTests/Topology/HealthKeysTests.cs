using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The keys the proxy's health check writes: one on each shard, by the lab's own ketama ring.</summary>
public class HealthKeysTests
{
    private static Inventory Load(string file) => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", file));

    [TestCase("post-2016.yml")]
    [TestCase("three-shards.yml")]
    public void Each_shard_gets_exactly_one_key_and_the_ring_sends_that_key_to_it(string file)
    {
        var inventory = Load(file);
        var ring = KetamaRing.For(inventory)!;

        var keys = HealthKeys.PerShard(inventory, "node23-twemproxy");

        Assert.That(keys.Select(k => k.Shard), Is.EqualTo(inventory.Shards.Select(s => s.Name)), "one key per shard, in shard order");
        Assert.That(keys.Select(k => k.Key), Is.Unique);
        for (var s = 0; s < inventory.Shards.Count; s++)
        {
            Assert.That(ring.ServerOf(keys[s].Key), Is.EqualTo(s), $"{keys[s].Key} is named after {inventory.Shards[s].Name}");
        }
    }

    [Test]
    public void Two_checked_resources_never_share_a_key()
    {
        var inventory = Load("post-2016-proxy-ha.yml");

        var proxy = HealthKeys.PerShard(inventory, "node23-twemproxy").Select(k => k.Key);
        var balancer = HealthKeys.PerShard(inventory, "haproxy").Select(k => k.Key);

        Assert.That(proxy.Intersect(balancer), Is.Empty, "one check would read back what the other just wrote");
    }

    [Test]
    public void Without_a_ring_to_compute_with_many_distinct_keys_stand_in_for_the_shards()
    {
        var inventory = InventoryLoader.Parse(InventoryFiles.PostWith("hash: fnv1a_64", "hash: md5"), "md5.yml");
        Assert.That(KetamaRing.For(inventory), Is.Null, "test setup");

        var keys = HealthKeys.PerShard(inventory, "node23-twemproxy");

        Assert.That(keys, Has.Count.EqualTo(HealthKeys.SpreadKeyCount));
        Assert.That(keys.Select(k => k.Key), Is.Unique);
        Assert.That(keys.Select(k => k.Shard), Is.All.Null, "which shard each goes to is not known");
    }

    [Test]
    public void Only_a_random_distribution_lets_a_read_miss_the_write()
    {
        Assert.That(HealthKeys.ReadsBackWhatItWrote(Load("post-2016.yml")), Is.True);
        var random = InventoryLoader.Parse(InventoryFiles.PostWith("distribution: ketama", "distribution: random"), "random.yml");
        Assert.That(HealthKeys.ReadsBackWhatItWrote(random), Is.False);
    }
}
