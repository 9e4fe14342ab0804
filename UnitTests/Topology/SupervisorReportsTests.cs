using System.Text.RegularExpressions;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// The proxy's supervisor is handed its report paths by its container's command (the lab's model), under the names
/// the inventory gives them: the names the reconfig service reads beside its wanted file.
/// </summary>
public class SupervisorReportsTests
{
    private static readonly Inventory ProxyHa = InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    // Catches: a report path derived anew somewhere (another folder, another name) instead of the inventory's names, or
    // one proxy handed another's.
    [Test]
    public void Each_proxy_is_handed_the_inventorys_report_names_in_the_folder_of_its_wanted_config()
    {
        var model = LabModel.Of(ProxyHa);
        foreach (var proxy in ProxyHa.Proxies)
        {
            var environment = model[proxy.Name].Environment.ToDictionary(v => v.Name, v => v.Value);
            var wanted = model[proxy.ReconfigName].Environment.Single(v => v.Name == "Lab__ProxyConfigFile").Value;
            var folder = wanted[..wanted.LastIndexOf('/')];

            Assert.That(model[proxy.Name].Arguments, Is.EqualTo(new[] { wanted }), "the supervisor applies the file its service writes");
            Assert.That(environment, Does.Contain(new KeyValuePair<string, string>("NUTCRACKER_RUNNING_REPORT", $"{folder}/{proxy.RunningConfigFileName}"))
                .And.Contain(new KeyValuePair<string, string>("NUTCRACKER_RUNNING_RECORD", $"{folder}/{proxy.RunningRecordFileName}"))
                .And.Contain(new KeyValuePair<string, string>("NUTCRACKER_REJECTED_REPORT", $"{folder}/{proxy.RejectedConfigFileName}"))
                .And.Contain(new KeyValuePair<string, string>("NUTCRACKER_READINESS_ANSWER", $"{folder}/{proxy.ReadinessFileName}")));
        }
    }

    // Catches: a variable the supervisor requires that the model does not render (every proxy would refuse to start),
    // or one the model renders that the supervisor no longer reads.
    [Test]
    public void The_supervisor_requires_exactly_the_report_variables_the_model_renders()
    {
        var script = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "containers", "twemproxy", "nutcracker-supervisor"));
        var required = Regex.Match(script, @"^for variable in ([A-Z_ ]+); do$", RegexOptions.Multiline);

        Assert.That(required.Success, Is.True, "the supervisor's check of its report variables");
        Assert.That(required.Groups[1].Value.Split(' '), Is.EquivalentTo(LabModel.SupervisorReports(ProxyHa.Proxy).Select(v => v.Name)));
    }
}
