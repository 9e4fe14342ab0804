using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>The suite's scenario files copied beside the tests, the inventories they run on, and a template to break.</summary>
internal static class ScenarioFiles
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "scenarios");

    public static Inventory PostLab { get; } = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016.yml"));

    /// <summary>A scenario with every kind of step, valid on the post's lab; tests replace one piece of it.</summary>
    public const string EveryStep = """
        description: every step once
        inventory: post-2016.yml
        steps:
          - write_keys: 100
          - start_load: { rate: 50 }
          - kill: master of g1
          - stop: the reconfig service
          - start: the reconfig service
          - pause: replica of g2
          - resume: original replica of g2
          - partition: sentinel on node23
          - heal: a sentinel
          - kill: node22
          - stop: the proxy
          - manual_failover: g2
          - wait: 1500ms
          - wait_for_failover: { shard: g1, timeout: 20s }
          - wait_for_role: { target: original master of g1, role: replica }
          - heal_all
          - forge_master: { shard: g1, address: master of g2 }
          - wait: 2s
          - restore_master: g1
          - assert_keys_readable
          - assert_writes_succeed: { timeout: 1m }
          - assert_proxy_points_at_master: { shard: g2 }
          - assert_proxy_never_went_back: original master of g1
          - stop_load
        """;

    /// <summary><see cref="EveryStep"/> with one exact piece replaced; fails loudly if the piece is not there.</summary>
    public static string EveryStepWith(string original, string replacement)
    {
        Assert.That(EveryStep, Does.Contain(original), "test setup: the template changed");
        return EveryStep.Replace(original, replacement);
    }

    /// <summary>1-based line of the first occurrence of <paramref name="fragment"/>.</summary>
    public static int LineOf(string text, string fragment)
    {
        var index = text.IndexOf(fragment, StringComparison.Ordinal);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"test setup: '{fragment}' not found");
        return text[..index].Count(c => c == '\n') + 1;
    }
}
