using Microsoft.Extensions.Configuration;
using RedisHaLab.Reconfig;

namespace RedisHaLab.UnitTests.Reconfig;

public class ReconfigOptionsTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["Lab:Inventory"] = "/repo/inventories/post-2016.yml",
        ["Lab:ProxyConfigFile"] = "/usr/local/twemproxy/conf/redis_14555.yml",
    };

    [Test]
    public void Complete_settings_have_no_problems_and_the_documented_defaults()
    {
        var options = Bind(Complete);

        Assert.Multiple(() =>
        {
            Assert.That(options.Problems(), Is.Empty);
            Assert.That(options.ReconcileIntervalSeconds, Is.EqualTo(5));
            Assert.That(options.ProxyConfirmTimeoutMilliseconds, Is.EqualTo(3000));
        });
    }

    [Test]
    public void Settings_are_read_from_the_Lab_section_as_environment_variables_Lab__X_provide_it()
    {
        var options = Bind(new(Complete) { ["Lab:ReconcileIntervalSeconds"] = "0.5", ["Lab:ProxyConfirmTimeoutMilliseconds"] = "250" });

        Assert.Multiple(() =>
        {
            Assert.That(options.ReconcileIntervalSeconds, Is.EqualTo(0.5));
            Assert.That(options.ProxyConfirmTimeoutMilliseconds, Is.EqualTo(250));
        });
    }

    [TestCase("Lab:Inventory", "Lab__Inventory is missing")]
    [TestCase("Lab:ProxyConfigFile", "Lab__ProxyConfigFile is missing")]
    public void A_missing_setting_is_named_by_its_environment_variable(string key, string expected)
    {
        var settings = new Dictionary<string, string?>(Complete);
        settings.Remove(key);

        Assert.That(Bind(settings).Problems(), Is.EqualTo(new[] { Problem(Bind(settings), expected) }));
    }

    [Test]
    public void Nothing_set_names_every_required_setting()
    {
        var problems = new ReconfigOptions().Problems();

        Assert.That(problems.Select(p => p.Split(' ')[0]), Is.EqualTo(new[] { "Lab__Inventory", "Lab__ProxyConfigFile" }));
    }

    [Test]
    public void Relative_paths_are_refused()
    {
        var options = Bind(new(Complete) { ["Lab:Inventory"] = "inventories/post-2016.yml" });

        Assert.That(options.Problems().Single(), Does.StartWith("Lab__Inventory 'inventories/post-2016.yml' is not absolute"));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("NaN")]
    public void The_reconcile_interval_must_be_positive(string seconds)
    {
        var options = Bind(new(Complete) { ["Lab:ReconcileIntervalSeconds"] = seconds });

        Assert.That(options.Problems().Single(), Does.StartWith("Lab__ReconcileIntervalSeconds must be a positive number"));
    }

    private static string Problem(ReconfigOptions options, string start) => options.Problems().Single(p => p.StartsWith(start, StringComparison.Ordinal));

    private static ReconfigOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(ReconfigOptions.Section).Get<ReconfigOptions>() ?? new ReconfigOptions();
}
