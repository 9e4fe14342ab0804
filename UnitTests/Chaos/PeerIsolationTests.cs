using System.Net;
using Docker.DotNet.Models;
using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>The partial partition's pure parts: whom a master loses, the rules that cut it off, and the scenario check.</summary>
public class PeerIsolationTests
{
    [Test]
    public void An_isolated_master_loses_its_replica_and_every_sentinel_but_not_the_proxy_or_the_other_shard()
    {
        var peers = LabFaults.PeersOf(ScenarioFiles.PostLab, "node22-redis-4500");

        Assert.That(peers, Is.EqualTo(new[] { "node24-redis-4500", "node22-sentinel", "node23-sentinel", "node24-sentinel" }));
    }

    [Test]
    public void Only_a_redis_instance_can_be_isolated()
    {
        var error = Assert.Throws<ChaosException>(() => LabFaults.PeersOf(ScenarioFiles.PostLab, "node23-twemproxy"))!;

        Assert.That(error.Message, Does.Contain("node23-twemproxy is no Redis instance of post-2016.yml"));
    }

    [Test]
    public void Every_peer_address_is_dropped_both_ways_and_the_chain_is_jumped_to_only_once_filled()
    {
        var rules = PeerIsolation.Rules([IPAddress.Parse("10.0.1.5"), IPAddress.Parse("10.0.1.6"), IPAddress.Parse("10.0.1.5")])
            .Select(r => string.Join(' ', r)).ToList();

        Assert.That(rules, Is.EqualTo(new[]
        {
            $"iptables -w -N {PeerIsolation.Chain}",
            $"iptables -w -A {PeerIsolation.Chain} -s 10.0.1.5 -j DROP",
            $"iptables -w -A {PeerIsolation.Chain} -d 10.0.1.5 -j DROP",
            $"iptables -w -A {PeerIsolation.Chain} -s 10.0.1.6 -j DROP",
            $"iptables -w -A {PeerIsolation.Chain} -d 10.0.1.6 -j DROP",
            $"iptables -w -I INPUT 1 -j {PeerIsolation.Chain}",
            $"iptables -w -I OUTPUT 1 -j {PeerIsolation.Chain}",
        }));
    }

    [Test]
    public void Reconnecting_removes_the_jumps_before_the_chain()
    {
        var undo = PeerIsolation.Undo.Select(r => string.Join(' ', r)).ToList();

        Assert.That(undo, Is.EqualTo(new[]
        {
            $"iptables -w -D INPUT -j {PeerIsolation.Chain}",
            $"iptables -w -D OUTPUT -j {PeerIsolation.Chain}",
            $"iptables -w -F {PeerIsolation.Chain}",
            $"iptables -w -X {PeerIsolation.Chain}",
        }));
    }

    [Test]
    public void A_peers_addresses_are_its_ipv4_addresses_on_every_network()
    {
        var inspect = new ContainerInspectResponse
        {
            NetworkSettings = new NetworkSettings
            {
                Networks = new Dictionary<string, EndpointSettings>
                {
                    ["redis-ha-lab_lab"] = new() { IPAddress = "10.0.1.7" },
                    ["docker_gwbridge"] = new() { IPAddress = "172.18.0.4" },
                    ["stopped"] = new() { IPAddress = "" },
                },
            },
        };

        Assert.That(PeerIsolation.AddressesOf(inspect).Select(a => a.ToString()), Is.EquivalentTo(new[] { "10.0.1.7", "172.18.0.4" }));
    }

    [TestCase("isolate: master of g1")]
    [TestCase("isolate: original replica of g2")]
    public void Isolating_one_redis_instance_is_a_valid_step(string step)
    {
        var scenario = ScenarioLoader.Parse(ScenarioFiles.EveryStepWith("kill: node22", step), "ok.yml");

        Assert.DoesNotThrow(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab));
        Assert.That(scenario.Steps.OfType<FaultStep>().Count(f => f.Kind == FaultKind.Isolate), Is.EqualTo(1));
    }

    [TestCase("isolate: node22")]
    [TestCase("isolate: a sentinel")]
    [TestCase("isolate: the proxy")]
    public void Isolating_anything_but_one_redis_instance_is_refused_with_the_forms_that_work(string step)
    {
        var scenario = ScenarioLoader.Parse(ScenarioFiles.EveryStepWith("kill: node22", step), "bad.yml");

        var error = Assert.Throws<ScenarioException>(() => ScenarioValidator.Validate(scenario, ScenarioFiles.PostLab))!;

        Assert.That(error.Message, Does.Contain("is not one Redis instance; use master of <shard>"));
    }
}
