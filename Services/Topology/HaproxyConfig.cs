using System.Globalization;
using System.Text;

namespace RedisHaLab.Topology;

/// <summary>
/// Renders <c>haproxy.cfg</c> for an inventory's load balancer: the front door in TCP mode, one server per proxy by
/// container name (re-resolved through Docker's DNS, since a restarted container may get another address), each
/// checked every <see cref="LoadBalancer.CheckIntervalMilliseconds"/> in two steps: the proxy answers PING, then its
/// readiness port (its reconfig service, through the proxy's container) answers <c>up</c>.
/// </summary>
public static class HaproxyConfig
{
    /// <summary>Where the config folder is mounted inside the load balancer's container.</summary>
    public const string ContainerFolder = "/etc/redis-ha-lab/haproxy";

    /// <summary>The config file's name in that folder.</summary>
    public const string FileName = "haproxy.cfg";

    /// <summary>The text of <c>haproxy.cfg</c>.</summary>
    /// <param name="inventory">A lab with a load balancer.</param>
    /// <param name="password">The lab's password when its inventory turns authentication on, else null.</param>
    public static string Render(Inventory inventory, string? password)
    {
        RedisConfigFile.CheckPassword(inventory, password);
        var balancer = inventory.LoadBalancer ?? throw new ArgumentException("the inventory has no load balancer", nameof(inventory));
        var interval = Ms(balancer.CheckIntervalMilliseconds);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Rendered by the AppHost from {Path.GetFileName(inventory.SourceFile)} at every start; edits are lost.
            global
                log stdout format raw local0 info
                maxconn 4096

            defaults
                mode tcp
                log global
                option tcplog
                # A proxy on the lab network accepts within milliseconds. A new connection sent to one that just died
                # (still in rotation until its checks fail) gets no answer at all: its address is gone. So the connect
                # gives up quickly and the retry goes to another proxy; with 1 s and no redispatch, that connection
                # waited out the client's own timeout (measured: a 1.01 s front-door outage per lost proxy).
                timeout connect 200ms
                retries 2
                option redispatch 1
                # Clients keep connections open for long (a pool); a failover does not end them, a dead proxy does.
                timeout client 1h
                timeout server 1h
                # A check's steps must each answer within one interval, so a frozen proxy fails as fast as a dead one.
                timeout check {interval}

            # Docker's DNS on the lab network: a proxy container that comes back may have another address.
            resolvers lab
                nameserver docker 127.0.0.11:53
                resolve_retries 2
                timeout resolve 100ms
                timeout retry 100ms
                hold valid 1s
                hold nx 1s
                hold refused 1s
                hold timeout 1s
                hold other 1s
                hold obsolete 1s

            frontend front-door
                bind 0.0.0.0:{balancer.Port}
                default_backend proxies

            backend proxies
                balance roundrobin
                # Step 1: the proxy itself answers (twemproxy answers PING without asking a shard). twemproxy reads
                # only RESP arrays, so the commands are sent as such, in hex (send-binary): *1 $4 PING.
                option tcp-check
                tcp-check connect

            """);
        if (password is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    tcp-check send-binary {Resp("AUTH", password)}\n    tcp-check expect string +OK\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"""
                tcp-check send-binary {Resp("PING")}
                tcp-check expect string +PONG
                # Step 2: its reconfig service vouches that it runs the Sentinels' current masters (silence fails too).
                tcp-check connect port {balancer.ReadinessPort}
                tcp-check expect rstring ^up
                # Out after {balancer.Fall} failed checks, and its clients' sessions with it; back after {balancer.Rise} good ones.
                default-server inter {interval} fastinter {interval} downinter {interval} fall {balancer.Fall} rise {balancer.Rise} on-marked-down shutdown-sessions resolvers lab init-addr last,libc,none

            """);
        foreach (var proxy in inventory.Proxies)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {proxy.Name} {proxy.Name}:{proxy.Port} check\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"""

            listen stats
                mode http
                bind 0.0.0.0:{balancer.StatsPort}
                stats enable
                stats uri /
                stats refresh 1s
                stats show-legends

            """);
        return text.ToString();
    }

    /// <summary>A command as a RESP array, in hex for <c>tcp-check send-binary</c> (no quoting or escaping to get wrong).</summary>
    public static string Resp(params string[] words)
    {
        var command = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{words.Length}\r\n");
        foreach (var word in words)
        {
            command.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        }
        return Convert.ToHexStringLower(Encoding.UTF8.GetBytes(command.ToString()));
    }

    private static string Ms(int milliseconds) => $"{milliseconds.ToString(CultureInfo.InvariantCulture)}ms";
}
