using System.Net;
using RedisHaLab.Clients;
using RedisHaLab.Samples.FrontDoorClient;
using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Clients;

/// <summary>
/// The one owner of the lab's connection options: what each kind of server needs, whoever asks, and each caller's
/// waits applied as given. Options only: nothing connects.
/// </summary>
public class LabConnectionsTests
{
    private static readonly IPEndPoint Endpoint = new(IPAddress.Loopback, 14555);
    private static readonly Patience Quick = Patience.Quick(1500);

    // A command map names each disabled command as "$NAME=" (and says nothing of the available ones).
    private static bool Disabled(CommandMap map, string command) =>
        map.ToString().Split(',').Contains($"${command}=", StringComparer.OrdinalIgnoreCase);

    [Test]
    public void The_front_door_is_told_twemproxy_so_the_client_never_sends_HELLO_and_speaks_RESP2()
    {
        var options = LabConnections.ToProxy(Endpoint, null, Quick);

        Assert.That(options.Proxy, Is.EqualTo(Proxy.Twemproxy), "behind HAProxy the client cannot find out it talks to twemproxy");
        Assert.That(Disabled(options.CommandMap, "HELLO"), Is.True, "twemproxy closes the connection on HELLO");
        Assert.That(Disabled(options.CommandMap, "INFO"), Is.True, "no admin commands through the proxy");
        Assert.That(options.Protocol, Is.EqualTo(RedisProtocol.Resp2));
        Assert.That(options.AllowAdmin, Is.False);
        Assert.That(options.TieBreaker, Is.Empty, "no tie-breaker read: it would wait on one shard's master");
    }

    [Test]
    public void The_front_door_from_a_connection_string_is_a_front_door_whatever_the_string_says()
    {
        var options = LabConnections.ToProxy("127.0.0.1:14555,password=s3cret,protocol=resp3,tiebreaker=chosen", Quick);

        Assert.That(options.EndPoints.Single(), Is.EqualTo(Endpoint));
        Assert.That(options.Password, Is.EqualTo("s3cret"), "the string's password is kept");
        Assert.That(options.Proxy, Is.EqualTo(Proxy.Twemproxy));
        Assert.That(Disabled(options.CommandMap, "HELLO"), Is.True);
        Assert.That(options.Protocol, Is.EqualTo(RedisProtocol.Resp2));
        Assert.That(options.TieBreaker, Is.Empty);
    }

    [Test]
    public void The_sample_apps_front_door_options_from_the_AppHosts_connection_string()
    {
        var options = ShardLoop.ClientOptions("127.0.0.1:14555,proxy=Twemproxy,tiebreaker=");

        Assert.That(options.Proxy, Is.EqualTo(Proxy.Twemproxy));
        Assert.That(options.Protocol, Is.EqualTo(RedisProtocol.Resp2));
        Assert.That(options.Password, Is.Null);
        Assert.That((options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout), Is.EqualTo((2000, 2000, 2000)));
        Assert.That(options.AbortOnConnectFail, Is.False, "it rides out the proxy's restarts");
        Assert.That(options.BacklogPolicy, Is.SameAs(BacklogPolicy.FailFast));
        Assert.That(options.HeartbeatInterval, Is.EqualTo(ShardLoop.Heartbeat));
    }

    [Test]
    public void A_Sentinel_gets_the_Sentinel_command_map_and_PUBLISH_only_when_asked()
    {
        var asked = LabConnections.ToSentinel(Endpoint, null, Quick);
        var forging = LabConnections.ToSentinel(Endpoint, null, Quick, publishHello: true);

        Assert.That(asked.CommandMap.ToString(), Is.EqualTo(CommandMap.Sentinel.ToString()));
        Assert.That(Disabled(asked.CommandMap, "GET"), Is.True, "a Sentinel refuses data commands");
        Assert.That(Disabled(asked.CommandMap, "PUBLISH"), Is.True);
        Assert.That(Disabled(forging.CommandMap, "PUBLISH"), Is.False, "a forged hello is PUBLISHed");
        Assert.That(Disabled(forging.CommandMap, "GET"), Is.True);
        foreach (var options in new[] { asked, forging })
        {
            Assert.That(Disabled(options.CommandMap, "SUBSCRIBE"), Is.False, "the reconfig service and the benchmark subscribe to +switch-master");
            Assert.That(options.Protocol, Is.EqualTo(RedisProtocol.Resp2), "subscriptions on their own connection");
            Assert.That(options.Proxy, Is.EqualTo(Proxy.None));
        }
    }

    [Test]
    public void A_Redis_instance_is_asked_directly_in_RESP2_with_admin_commands_only_when_asked()
    {
        var plain = LabConnections.ToRedis(Endpoint, null, Quick);
        var admin = LabConnections.ToRedis(Endpoint, null, Quick, admin: true);

        Assert.That(plain.AllowAdmin, Is.False);
        Assert.That(admin.AllowAdmin, Is.True);
        Assert.That(plain.Proxy, Is.EqualTo(Proxy.None));
        Assert.That(plain.Protocol, Is.EqualTo(RedisProtocol.Resp2));
        Assert.That(plain.CommandMap.ToString(), Is.EqualTo(CommandMap.Default.ToString()));
    }

    [Test]
    public void A_password_is_set_only_when_one_is_given()
    {
        var without = new[]
        {
            LabConnections.ToProxy(Endpoint, null, Quick), LabConnections.ToRedis(Endpoint, null, Quick), LabConnections.ToSentinel(Endpoint, null, Quick),
        };
        var with = new[]
        {
            LabConnections.ToProxy(Endpoint, "s3cret", Quick), LabConnections.ToRedis(Endpoint, "s3cret", Quick), LabConnections.ToSentinel(Endpoint, "s3cret", Quick),
        };

        Assert.That(without.Select(o => o.Password), Is.All.Null, "a lab without authentication sends no AUTH");
        Assert.That(with.Select(o => o.Password), Is.All.EqualTo("s3cret"));
        Assert.That(with.Select(o => o.ToString(includePassword: false)), Has.None.Contains("s3cret"), "logged options hide it");
    }

    [Test]
    public void Each_wait_is_applied_as_given_and_a_wait_not_given_keeps_the_clients_default()
    {
        var given = LabConnections.ToRedis(Endpoint, null, new Patience
        {
            ConnectMilliseconds = 2000,
            CommandMilliseconds = 10_000,
            ConnectRetry = 1,
            ConnectsInBackground = true,
            FailFast = true,
            ReconnectEveryMilliseconds = 200,
        }, "the-caller");
        var fewest = LabConnections.ToSentinel(Endpoint, null, new Patience { ConnectMilliseconds = 5000 });
        var defaults = new ConfigurationOptions();

        Assert.That((given.ConnectTimeout, given.SyncTimeout, given.AsyncTimeout), Is.EqualTo((2000, 10_000, 10_000)));
        Assert.That(given.ConnectRetry, Is.EqualTo(1));
        Assert.That(given.AbortOnConnectFail, Is.False);
        Assert.That(given.BacklogPolicy, Is.SameAs(BacklogPolicy.FailFast));
        Assert.That(given.ReconnectRetryPolicy.ShouldRetry(1, 199), Is.False, "reconnects every 200 ms");
        Assert.That(given.ReconnectRetryPolicy.ShouldRetry(1, 200), Is.True);
        Assert.That(given.ClientName, Is.EqualTo("the-caller"));

        Assert.That(fewest.ConnectTimeout, Is.EqualTo(5000));
        Assert.That((fewest.SyncTimeout, fewest.AsyncTimeout), Is.EqualTo((defaults.SyncTimeout, defaults.AsyncTimeout)));
        Assert.That(fewest.ConnectRetry, Is.EqualTo(defaults.ConnectRetry));
        Assert.That(fewest.AbortOnConnectFail, Is.True, "a connect that fails, fails");
        Assert.That(fewest.BacklogPolicy, Is.SameAs(defaults.BacklogPolicy));
        Assert.That(fewest.ClientName, Is.EqualTo(defaults.ClientName));
    }

    [Test]
    public void Quick_is_one_timeout_no_retry_no_queue()
    {
        var options = LabConnections.ToProxy(Endpoint, null, Patience.Quick(1500));

        Assert.That((options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout), Is.EqualTo((1500, 1500, 1500)));
        Assert.That(options.ConnectRetry, Is.Zero);
        Assert.That(options.AbortOnConnectFail, Is.True);
        Assert.That(options.BacklogPolicy, Is.SameAs(BacklogPolicy.FailFast));
    }

    [Test]
    public void Riding_out_is_one_timeout_a_background_connect_no_queue_and_the_reconnect_interval_given()
    {
        var options = LabConnections.ToProxy(Endpoint, null, Patience.RidingOut(2000, reconnectEveryMilliseconds: 200));
        var backOff = LabConnections.ToProxy(Endpoint, null, Patience.RidingOut(2000));

        Assert.That((options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout), Is.EqualTo((2000, 2000, 2000)));
        Assert.That(options.AbortOnConnectFail, Is.False, "keeps connecting in the background");
        Assert.That(options.BacklogPolicy, Is.SameAs(BacklogPolicy.FailFast));
        Assert.That(options.ReconnectRetryPolicy.ShouldRetry(1, 199), Is.False, "reconnects every 200 ms");
        Assert.That(options.ReconnectRetryPolicy.ShouldRetry(1, 200), Is.True);
        Assert.That(backOff.ReconnectRetryPolicy.GetType(), Is.EqualTo(new ConfigurationOptions().ReconnectRetryPolicy.GetType()), "none given: the client's back-off");
    }
}
