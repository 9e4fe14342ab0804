using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>The proxy tier's scenario steps and targets, and the load balancer's stats as chaos reads them.</summary>
public class ProxyTierStepsTests
{
    private static Inventory ProxyHa => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    private const string Steps = """
        description: the proxy tier's steps
        inventory: post-2016-proxy-ha.yml
        steps:
          - start_load: { rate: 50 }
          - kill: proxy on node24
          - stop: reconfig service on node24
          - pause: the load balancer
          - wait_for_rotation: { proxy: proxy on node24, state: out, timeout: 5s }
          - assert_every_connection_served: { connections: 20 }
          - stop_load
        left_in_place:
          - kill: proxy on node24
          - stop: reconfig service on node24
          - pause: the load balancer
        """;

    [Test]
    public void The_proxy_tier_steps_are_read_with_their_settings_and_fit_the_proxy_ha_lab()
    {
        var scenario = ScenarioLoader.Parse(Steps, "tier.yml");

        Assert.That(scenario.Steps.Skip(1).Take(5), Is.EqualTo(new ScenarioStep[]
        {
            new FaultStep(5, FaultKind.Kill, new FaultTarget.ProxyOn("node24")),
            new FaultStep(6, FaultKind.Stop, new FaultTarget.ReconfigServiceOn("node24")),
            new FaultStep(7, FaultKind.Pause, new FaultTarget.LoadBalancer()),
            new WaitForRotationStep(8, new FaultTarget.ProxyOn("node24"), false, TimeSpan.FromSeconds(5)),
            new AssertEveryConnectionServedStep(9, 20),
        }));
        Assert.That(scenario.Steps[4].Text, Is.EqualTo("wait_for_rotation: { proxy: proxy on node24, state: out, timeout: 5s }"));
        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, ProxyHa));
    }

    [Test]
    public void On_the_post_s_lab_a_second_proxy_and_a_load_balancer_are_refused_at_their_lines()
    {
        var scenario = ScenarioLoader.Parse(Steps, "tier.yml");

        var error = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab))!;
        Assert.That(error.Problems.Select(p => p.Line), Is.EqualTo(new[] { 5, 6, 7, 8 }));
        Assert.That(error.Problems[0].Message, Does.StartWith("no proxy runs on 'node24' in post-2016.yml; proxies run on node23"));
        Assert.That(error.Problems[1].Message, Does.StartWith("no reconfig service runs on 'node24' in post-2016.yml"));
        Assert.That(error.Problems[2].Message, Does.StartWith("post-2016.yml has no load balancer; aim at 'the proxy'"));
        Assert.That(error.Problems[3].Message, Does.StartWith("post-2016.yml has no load balancer to have proxies in rotation"));
    }

    [TestCase("state: out", "state: gone", "wait_for_rotation state 'gone' is unknown")]
    [TestCase("proxy: proxy on node24, state", "proxy: node24, state", "'node24' is not a proxy on a node")]
    [TestCase("connections: 20", "connections: 0", "assert_every_connection_served connections")]
    public void A_bad_proxy_tier_step_is_refused_at_its_line(string original, string replacement, string message)
    {
        var yaml = Steps.Replace(original, replacement);

        var error = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(ScenarioLoader.Parse(yaml, "tier.yml"), ProxyHa))!;
        Assert.That(error.Problems.Single().Message, Does.Contain(message));
        Assert.That(error.Problems.Single().Line, Is.EqualTo(ScenarioFiles.LineOf(yaml, replacement)));
    }

    [Test]
    public void The_stats_page_s_csv_gives_each_proxy_s_state()
    {
        const string csv = """
            # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,
            front-door,FRONTEND,,,0,1,4096,1,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,1,,
            proxies,node23-twemproxy,0,0,0,1,,1,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,10,0,,1,3,1,,1,,2,0,,1,L7OK,
            proxies,node24-twemproxy,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,3,1,2,2,,1,3,2,,0,,2,0,,0,L7RSP,
            proxies,BACKEND,0,0,0,1,410,1,0,0,0,0,,0,0,0,0,UP,1,1,0,,0,10,0,,1,3,0,,1,,1,0,,1,,
            """;

        Assert.That(LoadBalancerStats.Parse(csv), Is.EqualTo(new[]
        {
            new RotationState("node23-twemproxy", "UP", "L7OK"),
            new RotationState("node24-twemproxy", "DOWN", "L7RSP"),
        }));
        Assert.That(LoadBalancerStats.Parse(csv).Select(s => s.InRotation), Is.EqualTo(new[] { true, false }));
        Assert.That(new RotationState("p", "UP 1/2", "").InRotation, Is.True, "on its way down it still gets new connections");
        Assert.That(new RotationState("p", "DOWN 1/2", "").InRotation, Is.False, "on its way up it gets none yet");
        Assert.That((new RotationState("p", "UP 1/2", "").IsUp, new RotationState("p", "UP", "").IsUp), Is.EqualTo((false, true)), "back in rotation means fully up");
    }
}
