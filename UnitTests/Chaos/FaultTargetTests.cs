using RedisHaLab.Faults;



namespace RedisHaLab.UnitTests.Chaos;

public class FaultTargetTests
{
    [TestCase("master of g1", "master of g1")]
    [TestCase("  Replica  of g2 ", "replica of g2")]
    [TestCase("original master of g1", "original master of g1")]
    [TestCase("original replica of s3", "original replica of s3")]
    [TestCase("node22", "node22")]
    [TestCase("sentinel on node23", "sentinel on node23")]
    [TestCase("a sentinel", "a sentinel")]
    [TestCase("the proxy", "the proxy")]
    [TestCase("The Reconfig Service", "the reconfig service")]
    public void Every_form_reads_and_writes_back_the_same(string text, string written)
    {
        Assert.That(FaultTarget.TryParse(text, out var target), Is.True);
        Assert.That(target!.ToString(), Is.EqualTo(written));
        Assert.That(FaultTarget.TryParse(written, out var again) && again == target, Is.True);
    }

    [TestCase("")]
    [TestCase("master g1")]
    [TestCase("the master of g1")]
    [TestCase("node22-redis-4500 please")]
    [TestCase("sentinel on")]
    public void Anything_else_is_not_a_target(string text) =>
        Assert.That(FaultTarget.TryParse(text, out _), Is.False);

    [Test]
    public void Only_masters_and_replicas_are_single_redis_instances()
    {
        Assert.That(new FaultTarget.MasterOf("g1").IsRedisInstance, Is.True);
        Assert.That(new FaultTarget.OriginalReplicaOf("g1").IsRedisInstance, Is.True);
        Assert.That(new FaultTarget.Node("node22").IsRedisInstance, Is.False);
        Assert.That(new FaultTarget.AnySentinel().IsRedisInstance, Is.False);
    }

    [Test]
    public void The_reconfig_service_dies_with_the_proxys_node_and_no_other()
    {
        var lab = ScenarioFiles.PostLab;

        Assert.That(TargetResolver.ContainersOn(lab, lab.Nodes.Single(n => n.Name == "node23")),
            Is.EqualTo(new[] { "node23-sentinel", "node23-twemproxy", "node23-reconfig" }));
        Assert.That(TargetResolver.ContainersOn(lab, lab.Nodes.Single(n => n.Name == "node22")),
            Is.EqualTo(new[] { "node22-redis-4500", "node22-redis-4501", "node22-sentinel" }));
    }
}
