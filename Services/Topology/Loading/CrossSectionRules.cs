namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // The rules that join two sections, each called where the later of them is read (so problems keep their order).
    // Port clashes between sections are the port registry's; names taken across sections are ResourceNames.cs's.
    private sealed partial class Validation
    {
        /// <summary>A load balancer asks each proxy's container whether it is ready: only the lab's reconfig service answers.</summary>
        private void CheckLoadBalancerReconfig(LoadBalancer? loadBalancer, List<ProxyInstance>? proxies)
        {
            if (loadBalancer is not null && proxies is { Count: > 0 } && proxies[0].Reconfig != ProxyReconfigMode.Lab)
            {
                Problem(["load_balancer"], "a load balancer needs 'twemproxy.reconfig: lab': the lab's reconfig service answers its readiness check " +
                                           "(the post's script knows nothing of it); remove load_balancer or use reconfig: lab");
            }
        }

        /// <summary>The load balancer's readiness port is answered in each proxy's container, beside the proxy's own port.</summary>
        private void CheckReadinessPort(string[] at, int? readiness, int? proxyListen)
        {
            if (readiness is not null && readiness == proxyListen)
            {
                Problem(at, $"load_balancer readiness_port {readiness} is the proxies' own port (twemproxy listen); " +
                            "each proxy's container answers readiness on a port of its own, e.g. 14556");
            }
        }

        /// <summary><c>reconfig: post-script</c> hears only the Sentinel on the proxy's node, so sentinels must run on each proxy node.</summary>
        private void CheckPostScriptSentinels(string[] at, List<(LabNode Node, string[] At)>? proxyNodes, SentinelsSection? sentinels)
        {
            if (sentinels?.Nodes is not { } sentinelNodes)
            {
                return;
            }
            foreach (var proxyNode in (proxyNodes ?? []).Select(n => n.Node.Name).Where(n => !sentinelNodes.Contains(n)))
            {
                Problem(at, $"twemproxy reconfig 'post-script' takes failovers from the Sentinel on the proxy's node '{proxyNode}', " +
                            $"but sentinels.nodes does not list it; add {proxyNode} to sentinels.nodes or use 'reconfig: lab'");
            }
        }
    }
}
