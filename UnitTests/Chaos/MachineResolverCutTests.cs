using RedisHaLab.Faults;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>The machine's resolver cut off from a container: only DNS, only past loopback, and undone jump first.</summary>
public class MachineResolverCutTests
{
    [Test]
    public void Only_dns_sent_past_the_containers_loopback_is_dropped_and_the_chain_is_jumped_to_once_filled()
    {
        var rules = MachineResolverCut.Rules.Select(r => string.Join(' ', r)).ToList();

        // The lab's own resolver answers on the container's loopback: a cut that reached it would test another fault.
        Assert.That(rules, Is.EqualTo(new[]
        {
            $"iptables -w -N {MachineResolverCut.Chain}",
            $"iptables -w -A {MachineResolverCut.Chain} -p udp --dport 53 -j DROP",
            $"iptables -w -A {MachineResolverCut.Chain} -p tcp --dport 53 -j DROP",
            $"iptables -w -I OUTPUT 1 ! -o lo -j {MachineResolverCut.Chain}",
        }));
    }

    [Test]
    public void Restoring_removes_the_jump_as_it_was_set_before_the_chain()
    {
        var undo = MachineResolverCut.Undo.Select(r => string.Join(' ', r)).ToList();

        Assert.That(undo, Is.EqualTo(new[]
        {
            $"iptables -w -D OUTPUT ! -o lo -j {MachineResolverCut.Chain}",
            $"iptables -w -F {MachineResolverCut.Chain}",
            $"iptables -w -X {MachineResolverCut.Chain}",
        }));
        Assert.That(MachineResolverCut.Chain, Is.Not.EqualTo(PeerIsolation.Chain), "a heal of an isolation leaves the resolver cut alone, and the other way round");
    }
}
