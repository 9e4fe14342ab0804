using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The supervisor's wait for a new nutcracker and the reconfig service's wait for its report come from one owner.</summary>
public class ApplyTimeoutsTests
{
    private static LabModel Model => LabModel.Of(InventoryLoader.Load(InventoryFiles.PostPath));

    private static string Variable(PartKind kind, string name) =>
        Model.Parts.Single(p => p.Kind == kind).Environment.Single(v => v.Name == name).Value;

    // Catches: the service's wait made no longer than the supervisor's (it would call an apply failed that is still
    // completing, and apply again on top of it).
    [Test]
    public void The_service_waits_longer_for_the_report_than_the_supervisor_waits_for_nutcracker() =>
        Assert.That(ApplyTimeouts.ServiceConfirmMilliseconds, Is.GreaterThanOrEqualTo(ApplyTimeouts.ProxyAcceptMilliseconds + 500));

    // Catches: either side left to its own default again (the two numbers tied by nothing, as before).
    [Test]
    public void Both_sides_get_their_limit_from_the_model()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Variable(PartKind.Proxy, ApplyTimeouts.ProxyAcceptVariable), Is.EqualTo("2000"));
            Assert.That(Variable(PartKind.Reconfig, ApplyTimeouts.ServiceConfirmVariable), Is.EqualTo("3000"));
            Assert.That(new ReconfigOptions().ProxyConfirmTimeoutMilliseconds, Is.EqualTo(ApplyTimeouts.ServiceConfirmMilliseconds));
        });
    }
}
