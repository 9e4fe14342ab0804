using System.Diagnostics;
using System.Text;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Topology.InventoryFiles;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// Issue 21, part 3: numbers written plainly, ports and addresses a lab may use, names within the real limits, counts
/// within what the machine runs. Each refused at its line with its fix, never read as another value or left to fail later.
/// </summary>
public class InventoryBoundsTests
{
    // YAML 1.1 forms YamlDotNet reads as another number than the digits seem to say, or as a number where a whole one belongs.
    [TestCase("  listen: 14555", "  listen: 014555", "listen '014555' starts with 0, which YAML 1.1 reads as octal (014555 is 6509)")]
    [TestCase("  down_after_milliseconds: 2500", "  down_after_milliseconds: 2:30", "down_after_milliseconds '2:30' is a base-60 number")]
    [TestCase("  port: 26379", "  port: 0x66CB", "port '0x66CB' is written in hexadecimal")]
    [TestCase("  port: 26379", "  port: 0o63313", "port '0o63313' is written in octal")]
    [TestCase("  failover_timeout: 10000", "  failover_timeout: 1e4", "failover_timeout '1e4' has a fraction or an exponent")]
    [TestCase("  quorum: 2", "  quorum: 2.0", "quorum '2.0' has a fraction or an exponent")]
    [TestCase("  quorum: 2", "  quorum: +2", "quorum '+2' has a sign")]
    [TestCase("  failover_timeout: 10000", "  failover_timeout: 10_000", "failover_timeout '10_000' has '_' between its digits")]
    [TestCase("  listen: 14555", "  listen: \u0661\u0664\u0665\u0665\u0665", "listen '\u0661\u0664\u0665\u0665\u0665' holds the digit U+0661")]
    [TestCase("  server_retry_timeout: 2000", "  server_retry_timeout: 99999999999999999999", "server_retry_timeout '99999999999999999999' is out of range; use 1-600000")]
    public void A_number_not_written_plainly_is_refused_with_how_to_write_it(string original, string replacement, string message)
    {
        var yaml = InventoryFiles.PostWith(original, replacement);

        Refused(yaml, replacement.Trim(), message, "e.g.");
    }

    [Test]
    public void Every_number_wrong_is_reported_at_once()
    {
        var yaml = InventoryFiles.PostWith("  listen: 14555", "  listen: 014555").Replace("  quorum: 2", "  quorum: 2.0");

        Assert.That(Fails(yaml).Problems, Has.Count.EqualTo(2));
    }

    [Test]
    public void A_quoted_number_is_read_as_the_number()
    {
        var inventory = InventoryLoader.Parse(InventoryFiles.PostWith("  listen: 14555", "  listen: \"14556\""), "ok.yml");

        Assert.That(inventory.Proxy.Port, Is.EqualTo(14556));
    }

    [TestCase("  listen: 14555", "  listen: 15055", "twemproxy listen port 15055 is one of the AppHost's own ports")]
    [TestCase("  port: 26379", "  port: 20055", "sentinels port 20055 is one of the AppHost's own ports")]
    [TestCase("  port: 26379", "  port: 22222", "sentinels port 22222 is nutcracker's built-in stats port")]
    [TestCase("master: node22:4500", "master: node22:22222", "shard 'g1' master port 22222 is nutcracker's built-in stats port")]
    [TestCase("  listen: 14555", "  listen: 80", "listen '80' is out of range; use 1024-65535")]
    public void A_port_the_lab_cannot_have_is_refused(string original, string replacement, string message)
    {
        var yaml = InventoryFiles.PostWith(original, replacement);

        Refused(yaml, replacement.Trim(), message, "");
    }

    [Test]
    public void The_AppHost_ports_are_the_ones_its_launch_settings_set()
    {
        Assert.That(InventoryLimits.AppHostPorts, Is.EquivalentTo(new[] { 15055, 19055, 20055 }));
    }

    [TestCase("node24: { address: 127.0.0.24 }", "node24: { address: 127.0.0.0 }", "127.0.0.0 }", "node 'node24' address 127.0.0.0 is the network address")]
    [TestCase("node24: { address: 127.0.0.24 }", "node24: { address: 127.255.255.255 }", "127.255.255.255 }", "node 'node24' address 127.255.255.255 is the broadcast address")]
    [TestCase("front_door: 127.0.0.1", "front_door: 127.255.255.255", "front_door: 127.255.255.255", "twemproxy front_door 127.255.255.255 is the broadcast address")]
    public void A_network_or_broadcast_address_is_not_a_host(string original, string replacement, string at, string message)
    {
        var yaml = InventoryFiles.PostWith(original, replacement);

        Refused(yaml, at, message, "use one between 127.0.0.1 and 127.255.255.254");
    }

    [Test]
    public void The_last_host_address_is_accepted()
    {
        var yaml = InventoryFiles.PostWith("node24: { address: 127.0.0.24 }", "node24: { address: 127.255.255.254 }");

        Assert.DoesNotThrow(() => InventoryLoader.Parse(yaml, "ok.yml"));
    }

    // Aspire's ModelName would throw each of these from inside the AppHost, with a stack trace.
    [TestCase("g_1", "may only hold lower-case letters a-z, digits and '-'")]
    [TestCase("1g", "must start with a lower-case letter")]
    [TestCase("g--1", "may not have two '-' in a row")]
    [TestCase("g1-", "may not have two '-' in a row or end with '-'")]
    public void A_shard_name_Aspire_refuses_is_refused_first(string name, string message)
    {
        var yaml = InventoryFiles.PostWith("  g2:\n", $"  {name}:\n");

        Refused(yaml, $"{name}:", $"shard name '{name}' {message}", "write e.g. g3");
    }

    [Test]
    public void A_long_shard_name_is_refused_by_its_length_and_not_printed_whole()
    {
        // YAML itself holds a key written plainly to 1024 characters.
        var name = "g" + new string('x', 1000);
        var yaml = InventoryFiles.PostWith("  g2:\n", $"  {name}:\n");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain($"is {name.Length} characters long; Aspire allows at most {InventoryLimits.MaxResourceName}"));
        Assert.That(error.Message, Has.Length.LessThan(1000), "the name is clipped in the message");
    }

    [Test]
    public void A_megabyte_sentinel_name_is_refused_by_its_length_and_not_printed_whole()
    {
        var yaml = InventoryFiles.PostWith("sentinel_name: redis_14555_g2_4501", $"sentinel_name: g{new string('x', 1_000_000)}");

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Message, Does.Contain("is 1000001 characters long; shorten it to at most"));
        Assert.That(error.Message, Has.Length.LessThan(1000), "the name is clipped in the message");
    }

    [Test]
    public void A_shard_name_of_Aspires_longest_is_accepted()
    {
        var name = "g" + new string('x', InventoryLimits.MaxResourceName - 1);

        Assert.DoesNotThrow(() => InventoryLoader.Parse(InventoryFiles.PostWith("  g2:\n", $"  {name}:\n"), "ok.yml"));
    }

    [Test]
    public void A_sentinel_name_longer_than_a_hello_carries_is_refused_and_the_longest_one_is_accepted()
    {
        string With(int length) => InventoryFiles.PostWith("sentinel_name: redis_14555_g2_4501", $"sentinel_name: g{new string('x', length - 1)}");

        Assert.DoesNotThrow(() => InventoryLoader.Parse(With(InventoryLimits.MaxSentinelName), "ok.yml"));
        Refused(With(InventoryLimits.MaxSentinelName + 1), "sentinel_name: gx",
            $"shard 'g2' sentinel_name 'gxxx", "Redis cuts a longer hello short");
    }

    [Test]
    public void The_longest_sentinel_name_leaves_room_in_a_hello_for_the_longest_other_fields()
    {
        // sentinelSendHello: "%s,%d,%s,%llu,%s,%s,%d,%llu" into char payload[NET_IP_STR_LEN+1024], NET_IP_STR_LEN 46.
        var host = new string('h', InventoryLoader.MaxContainerName);
        var hello = $"{host},65535,{new string('a', 40)},{ulong.MaxValue},{new string('n', InventoryLimits.MaxSentinelName)},{host},65535,{ulong.MaxValue}";

        Assert.That(hello, Has.Length.EqualTo(46 + 1024 - 1), "snprintf keeps all but the last byte, the terminating zero");
    }

    [Test]
    public void A_pool_name_longer_than_its_files_allow_is_refused()
    {
        var yaml = InventoryFiles.PostWith("pool: redis_14555", $"pool: {new string('p', InventoryLimits.MaxPoolName + 1)}");

        Refused(yaml, "pool: ppp", "twemproxy pool 'ppp", "a file name holds 255 bytes");
    }

    [Test]
    public void The_longest_pool_name_fits_every_file_it_names()
    {
        var yaml = InventoryFiles.PostWith("pool: redis_14555", $"pool: {new string('p', InventoryLimits.MaxPoolName)}");
        var proxy = InventoryLoader.Parse(yaml, "ok.yml").Proxy;

        var temp = Path.GetFileName(new RedisHaLab.Reconfig.ProxyConfigFile(Path.Combine("folder", proxy.ConfigFileName)).TempPath);
        // The supervisor writes each report through a temp file beside it, '.<report>.tmp'.
        string[] names = [proxy.ConfigFileName, proxy.RunningConfigFileName, proxy.RunningRecordFileName, proxy.RejectedConfigFileName, temp,
            $".{proxy.RunningRecordFileName}.tmp", $".{proxy.RejectedConfigFileName}.tmp", $".{proxy.Pool}.candidate.yml", $".{proxy.Pool}.resolved.yml"];

        Assert.That(names.Max(n => Encoding.UTF8.GetByteCount(n)), Is.EqualTo(255));
    }

    [Test]
    public void More_shards_than_the_machine_runs_are_refused()
    {
        var shards = new StringBuilder("shards:\n");
        for (var i = 1; i <= InventoryLimits.MaxShards + 1; i++)
        {
            shards.Append($"  s{i}:\n    sentinel_name: s{i}\n    master: node22:{5000 + i}\n    replicas: [node24:{5000 + i}]\n");
        }
        var yaml = ReplaceSection(InventoryFiles.PostText, "shards:", shards.ToString());

        Refused(yaml, "shards:", $"{InventoryLimits.MaxShards + 1} shards is more than this lab runs: at most {InventoryLimits.MaxShards}", "2 cores and 24 GiB");
    }

    [Test]
    public void More_sentinels_than_the_machine_runs_are_refused()
    {
        var nodes = Enumerable.Range(30, InventoryLimits.MaxSentinels + 1).Select(i => $"n{i}").ToList();
        var yaml = InventoryFiles.PostWith("nodes:\n", "nodes:\n" + string.Concat(nodes.Select(n => $"  {n}: {{ address: 127.0.1.{n[1..]} }}\n")))
            .Replace("nodes: [node22, node23, node24]", $"nodes: [{string.Join(", ", nodes)}]");

        Refused(yaml, $"nodes: [{nodes[0]}", $"{nodes.Count} Sentinels is more than this lab runs: at most {InventoryLimits.MaxSentinels}", "square");
    }

    [Test]
    public void Fifty_thousand_nodes_are_refused_by_their_count_before_any_slower_check()
    {
        var nodes = new StringBuilder("nodes:\n");
        for (var i = 0; i < 50_000; i++)
        {
            // One address for all: a check comparing nodes with each other would report 49,999 twins, slowly.
            nodes.Append("  n").Append(i).Append(": { address: 127.0.0.9 }\n");
        }
        var yaml = ReplaceSection(InventoryFiles.PostText, "nodes:", nodes.ToString());
        var clock = Stopwatch.StartNew();

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Message, Does.StartWith($"50000 nodes is more than this lab runs: at most {InventoryLimits.MaxNodes}"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void More_containers_than_the_machine_runs_are_refused_though_each_count_is_within_its_own()
    {
        // 16 shards of a master and 4 replicas (80 Redis), each count within its limit; with 3 Sentinels, a proxy and its reconfig service, 85 containers.
        var shards = new StringBuilder("shards:\n");
        for (var i = 1; i <= InventoryLimits.MaxShards; i++)
        {
            shards.Append($"  s{i}:\n    sentinel_name: s{i}\n    master: node22:{5000 + i}\n    replicas: [node24:{5000 + i}, node23:{5000 + i}, node22:{6000 + i}, node24:{6000 + i}]\n");
        }
        var yaml = ReplaceSection(InventoryFiles.PostText, "shards:", shards.ToString());

        var error = Fails(yaml);

        Assert.That(error.Problems.Single().Message, Does.StartWith("85 containers (Redis, Sentinels, proxies and their reconfig services, the load balancer) is more than this lab runs: at most 64"));
    }

    [TestCase('\u202E', "U+202E")]
    [TestCase('\u200B', "U+200B")]
    [TestCase('\u2066', "U+2066")]
    public void A_format_or_bidirectional_character_is_refused_at_its_line(char character, string shown)
    {
        var yaml = InventoryFiles.PostWith("# pid and log files)", $"# pid and log files{character})");

        Refused(yaml, "# pid and log files", $"this line holds {shown}, an invisible format or bidirectional control character", "delete it");
    }

    /// <summary><paramref name="text"/> with the top-level section starting <paramref name="header"/> replaced by <paramref name="section"/>.</summary>
    private static string ReplaceSection(string text, string header, string section)
    {
        var start = text.IndexOf($"\n{header}\n", StringComparison.Ordinal) + 1;
        Assert.That(start, Is.GreaterThan(0), "test setup: no such section");
        var end = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        return text[..start] + section + text[(end + 1)..];
    }
}
