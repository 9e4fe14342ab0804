using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The load balancer's config as rendered from the proxy-HA inventory.</summary>
public class HaproxyConfigTests
{
    private static Inventory ProxyHa => InventoryLoader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016-proxy-ha.yml"));

    [Test]
    public void Each_proxy_is_a_server_by_container_name_checked_every_200_ms_through_its_readiness_port()
    {
        var config = HaproxyConfig.Render(ProxyHa, password: null);

        Assert.That(config, Does.Contain("bind 0.0.0.0:14555"));
        Assert.That(config, Does.Contain("    server node23-twemproxy node23-twemproxy:14555 check\n    server node24-twemproxy node24-twemproxy:14555 check\n"));
        Assert.That(config, Does.Contain("default-server inter 200ms fastinter 200ms downinter 200ms fall 2 rise 2 on-marked-down shutdown-sessions resolvers lab"));
        // twemproxy reads RESP arrays only: *1\r\n$4\r\nPING\r\n (an inline "PING\r\n" gets no answer).
        Assert.That(config, Does.Contain("tcp-check send-binary 2a310d0a24340d0a50494e470d0a\n    tcp-check expect string +PONG\n"));
        Assert.That(config, Does.Contain("tcp-check connect port 14556\n    tcp-check expect rstring ^up\n"));
        Assert.That(config, Does.Contain("bind 0.0.0.0:18404"));
        Assert.That(config, Does.Not.Contain("AUTH"));
    }

    [Test]
    public void A_connection_sent_to_a_dead_proxy_is_retried_on_another_within_a_fifth_of_a_second()
    {
        // A proxy that just died is in rotation until its checks fail, and its address answers nothing: without a short
        // connect timeout and a redispatch, a client reconnecting there waits out its own operation timeout.
        var config = HaproxyConfig.Render(ProxyHa, password: null);

        Assert.That(config, Does.Contain("timeout connect 200ms\n"));
        Assert.That(config, Does.Contain("retries 2\n"));
        Assert.That(config, Does.Contain("option redispatch 1\n"));
    }

    [Test]
    public void With_a_password_the_check_logs_in_before_its_ping()
    {
        var auth = ProxyHa with { Authentication = LabAuthentication.Password };

        var auth2 = HaproxyConfig.Resp("AUTH", "s3cret");
        Assert.That(Convert.FromHexString(auth2), Is.EqualTo("*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n"u8.ToArray()));
        Assert.That(HaproxyConfig.Render(auth, "s3cret"), Does.Contain($"tcp-check send-binary {auth2}\n    tcp-check expect string +OK\n    tcp-check send-binary 2a31"));
    }
}
