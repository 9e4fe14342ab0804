using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // load_balancer: HAProxy in front of several proxies, owning the front door.
    private sealed partial class Validation
    {
        /// <summary>
        /// <c>load_balancer</c>, optional: HAProxy in front of the proxies, owning the front door. Its readiness port is
        /// where each proxy's container answers whether that proxy runs the Sentinels' current masters.
        /// </summary>
        private LoadBalancer? BuildLoadBalancer(LoadBalancerSection section, int? proxyListen)
        {
            string[] at = ["load_balancer"];
            var kind = Required(at, section.Kind, "kind", "haproxy");
            var frontDoor = Required(at, section.FrontDoor, "front_door", "127.0.0.1");
            var listen = Port(at, section.Listen, "listen", "14555", "load_balancer listen");
            var stats = Port(at, section.StatsPort, "stats_port", "18404", "load_balancer stats_port");
            var readiness = Port(at, section.ReadinessPort, "readiness_port", "14556", "load_balancer readiness_port");
            var interval = Whole(at, section.CheckInterval, "check_interval", "200", 1, InventoryLimits.MaxMilliseconds);
            var fall = Whole(at, section.Fall, "fall", "2", 1, int.MaxValue);
            var rise = Whole(at, section.Rise, "rise", "2", 1, int.MaxValue);
            if (kind is not null and not "haproxy")
            {
                Problem([.. at, "kind"], $"load_balancer kind {Shown(kind)} is unknown; use 'haproxy' (Debian's HAProxy, TCP mode)");
            }
            var address = frontDoor is null ? null : LoopbackAddress([.. at, "front_door"], frontDoor, "load_balancer front_door");
            var listenIsValid = listen is not null;
            var statsIsValid = stats is not null;
            var readinessIsValid = readiness is not null;
            if (address is not null && listenIsValid)
            {
                ClaimPort([.. at, "listen"], address, listen!.Value, "the load balancer's front door");
            }
            if (address is not null && statsIsValid)
            {
                ClaimPort([.. at, "stats_port"], address, stats!.Value, "the load balancer's stats page");
            }
            CheckReadinessPort([.. at, "readiness_port"], readiness, proxyListen);
            if (kind is not "haproxy" || address is null || !listenIsValid || !statsIsValid || !readinessIsValid ||
                interval is not > 0 || fall is not > 0 || rise is not > 0)
            {
                return null;
            }
            return new LoadBalancer(address, listen!.Value, stats!.Value, readiness!.Value, interval.Value, fall.Value, rise.Value);
        }
    }
}
