namespace RedisHaLab.IntegrationTests;

/// <summary>
/// A representative part of the scenarios on the post's lab with authentication on (<c>post-2016-auth.yml</c>): a
/// master killed, a whole node killed, a partition healed, the reconfig service killed in the middle of an apply. Each
/// one needs every party to log in: Sentinels to Redis and to each other, replicas to their new master, the proxy to
/// its backends, the reconfig service to Sentinels and for ROLE, and chaos itself. The rest of the files run on the
/// post's lab only, to keep CI time down.
/// </summary>
[TestFixture]
public class AuthenticatedScenarioTests() : ScenarioFixture("post-2016-auth.yml", "scenarios-auth.md")
{
    private static readonly string[] Representative =
        ["kill-master-g1.yml", "kill-node22.yml", "partition-master-then-heal.yml", "reconfig-killed-mid-apply.yml"];

    /// <summary>The representative scenario files, in name order.</summary>
    public static IEnumerable<TestCaseData> ScenarioFiles() =>
        Representative.Order(StringComparer.Ordinal)
            .Select(file => new TestCaseData(file).SetArgDisplayNames(Path.GetFileNameWithoutExtension(file)));

    [TestCaseSource(nameof(ScenarioFiles))]
    public Task Scenario_with_authentication(string file) => RunScenarioAsync(file);

    [Test]
    public async Task A_dashboard_failover_command_logs_in_to_the_Sentinels()
    {
        if (InventoryFile != HomeInventory)
        {
            await FreshLabAsync(HomeInventory, "the command is checked on the lab with authentication");
        }
        await ResetOrRestartAsync();
        // The AppHost's chaos commands get the password from its parameter, not from the test.
        var g2 = Inventory.Shards.Single(s => s.Name == "g2");
        var before = await Lab.Masters.RequireAsync(g2);
        await Command(before.Name, "chaos-failover-g2");
        await Eventually(async () => (await Lab.Sentinels.MasterOfAsync(g2)).Master is { } now && now != before ? null : "g2 not failed over yet",
            TimeSpan.FromSeconds(30), "the Sentinels fail g2 over");
    }
}
