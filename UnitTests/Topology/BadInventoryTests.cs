using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Topology.InventoryFiles;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// Inventories written as a hostile or careless user would: each class of bad input is refused before anything starts,
/// with <c>file:line: what is wrong; how to fix it</c> pointing at the offending key or value, never a stack trace.
/// </summary>
public class BadInventoryTests
{
    private const string Quorum = "  quorum: 2\n";

    [Test]
    public void A_key_given_twice_is_refused_naming_both_lines()
    {
        var yaml = InventoryFiles.PostWith(Quorum, Quorum + "  quorum: 3\n");

        Refused(yaml, "quorum: 3", $"'quorum' is given twice in sentinels (first on line {InventoryFiles.LineOf(yaml, "quorum: 2")})",
            "remove one of them");
    }

    [Test]
    public void A_node_given_twice_is_refused_instead_of_the_last_one_winning()
    {
        var yaml = InventoryFiles.PostWith("  node24: { address: 127.0.0.24 }", "  node22: { address: 127.0.0.24 }");

        var error = Refused(yaml, "node22: { address: 127.0.0.24 }",
            $"'node22' is given twice in nodes (first on line {InventoryFiles.LineOf(yaml, "node22:")})", "a key may appear once in a mapping");
        Assert.That(error.Problems, Has.Count.EqualTo(1), "a repeated key stops the reading, as a YAML syntax error does");
    }

    [Test]
    public void A_shard_given_twice_in_block_style_is_refused()
    {
        var yaml = InventoryFiles.PostWith("  g2:\n", "  g1:\n");

        Refused(yaml, "g1:\n    sentinel_name: redis_14555_g2_4501",
            $"'g1' is given twice in shards (first on line {InventoryFiles.LineOf(yaml, "g1:")})", "remove one of them");
    }

    [TestCase("  maxmemory: \"256mb\\nport 6379\"\n", "maxmemory: \"256mb")]
    [TestCase("  maxmemory: |\n    256mb\n    port 6379\n", "maxmemory: |")]
    [TestCase("  maxmemory: >\n    256mb\n", "maxmemory: >")]
    [TestCase("  maxmemory: \"256mb\\rport 6379\"\n", "maxmemory: \"256mb")]
    public void A_value_with_a_line_break_cannot_add_a_redis_conf_line(string replacement, string at)
    {
        var yaml = InventoryFiles.PostWith("  maxmemory: 256mb\n", replacement);

        Refused(yaml, at, "redis_settings 'maxmemory' value '256mb\\", "write the value on one line");
    }

    [Test]
    public void A_list_item_with_a_line_break_cannot_add_a_redis_conf_line()
    {
        var yaml = InventoryFiles.PostWith("\"300 10\"", "\"300 10\\nport 6379\"");

        Refused(yaml, "save: [", "redis_settings 'save' item 2 '300 10\\nport 6379' holds a line break", "write the value on one line");
    }

    [Test]
    public void A_directive_name_with_a_line_break_is_refused()
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", "  \"timeout 0\\nport\": 6379\n");

        Refused(yaml, "\"timeout 0", "redis_settings directive 'timeout 0\\nport' is not a redis.conf directive name",
            "lower-case letters, digits, '-' and '_'");
    }

    [TestCase("PORT")]
    [TestCase("Port")]
    [TestCase("ReplicaOf")]
    public void An_upper_or_mixed_case_directive_the_lab_owns_is_still_refused(string directive)
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", $"  timeout: 0\n  {directive}: 6379\n");

        Refused(yaml, $"{directive}: 6379", $"redis_settings may not set '{directive}'", "remove it");
    }

    [Test]
    public void A_directive_in_another_case_is_asked_for_in_lower_case()
    {
        var yaml = InventoryFiles.PostWith("  maxmemory: 256mb", "  MaxMemory: 256mb");

        Refused(yaml, "MaxMemory", "redis_settings directive 'MaxMemory' is not a redis.conf directive name", "write 'maxmemory'");
    }

    [Test]
    public void A_list_item_that_is_itself_a_list_is_refused()
    {
        var yaml = InventoryFiles.PostWith("\"300 10\"", "[300, 10]");

        Refused(yaml, "save: [", "redis_settings 'save' item 2 must be a single value", "e.g. \"300 10\"");
    }

    [TestCase("replicaof", "node22 4500", "replication is the lab's")]
    [TestCase("slaveof", "node22 4500", "replication is the lab's")]
    [TestCase("replica-announced", "no", "replication is the lab's")]
    [TestCase("masterauth", "secret", "the lab sets 'masterauth' itself")]
    [TestCase("requirepass", "secret", "a password or an ACL here locks out the lab's Sentinels, proxy, health checks and reconfig service")]
    [TestCase("user", "default off", "a password or an ACL here locks out the lab's Sentinels, proxy, health checks and reconfig service")]
    [TestCase("cluster-enabled", "yes", "cluster mode is not this lab's architecture")]
    [TestCase("cluster-config-file", "nodes.conf", "cluster mode is not this lab's architecture")]
    [TestCase("sentinel", "monitor x 127.0.0.1 1 1", "Sentinel's settings belong under 'sentinels:'")]
    [TestCase("tls-port", "4600", "the lab's Sentinels, replicas, proxy and health checks speak plain TCP")]
    [TestCase("include", "/etc/other.conf", "it would read settings from a file the lab never checks")]
    [TestCase("bind", "0.0.0.0", "the lab sets it for each instance")]
    public void A_directive_that_breaks_the_labs_mechanics_is_refused_with_the_reason(string directive, string value, string reason)
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", $"  timeout: 0\n  {directive}: {value}\n");

        Refused(yaml, $"{directive}: ", $"redis_settings may not set '{directive}': {reason}", "remove it");
    }

    [TestCase("ROLE \"\"", "ROLE \"\"", "ROLE")]
    [TestCase("config my-config", "config my-config", "CONFIG")]
    [TestCase("\"\\\"PUBLISH\\\" x\"", "\"PUBLISH\" x", "PUBLISH")]
    [TestCase("FLUSHALL PING", "FLUSHALL PING", "PING")]
    public void Renaming_a_command_the_lab_needs_is_refused(string yamlValue, string value, string command)
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", $"  timeout: 0\n  rename-command: {(yamlValue.StartsWith('"') ? yamlValue : $"'{yamlValue}'")}\n");

        Refused(yaml, "rename-command", $"redis_settings rename-command '{value}' touches {command}", $"the lab relies on {command}");
    }

    [Test]
    public void Renaming_a_command_the_lab_does_not_need_is_allowed()
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", "  timeout: 0\n  rename-command: [\"FLUSHALL \\\"\\\"\", \"KEYS lab-keys\"]\n");

        var inventory = InventoryLoader.Parse(yaml, "ok.yml");

        Assert.That(inventory.RedisSettings.Where(s => s.Directive == "rename-command").Select(s => s.Value),
            Is.EqualTo(new[] { "FLUSHALL \"\"", "KEYS lab-keys" }));
    }

    [Test]
    public void An_unreadable_rename_command_is_refused()
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", "  timeout: 0\n  rename-command: FLUSHALL\n");

        Refused(yaml, "rename-command", "redis_settings rename-command 'FLUSHALL' must name a command and its new name", "e.g. 'rename-command: FLUSHALL \"\"'");
    }

    [TestCase("\"node25\\n\"", "'node25\\n'")]
    [TestCase("\"node 25\"", "'node 25'")]
    [TestCase("Node25", "'Node25'")]
    [TestCase("node--25", "'node--25'")]
    [TestCase("node25-", "'node25-'")]
    [TestCase("25node", "'25node'")]
    [TestCase("node_25", "'node_25'")]
    public void A_node_name_that_cannot_name_a_container_is_refused(string written, string shown)
    {
        var yaml = InventoryFiles.PostWith("  node24: { address: 127.0.0.24 }", $"  node24: {{ address: 127.0.0.24 }}\n  {written}: {{ address: 127.0.0.25 }}");

        Refused(yaml, "127.0.0.25", $"node name {shown} must be lower-case letters and digits", "e.g. node25");
    }

    [Test]
    public void A_node_name_too_long_for_its_container_names_is_refused()
    {
        var name = "node" + new string('x', 48);
        var yaml = InventoryFiles.PostText.Replace("node24", name);

        Refused(yaml, $"{name}: {{", $"node name '{name}' is 52 characters long; shorten it to at most 51",
            "which a DNS label holds to 63");
    }

    [Test]
    public void A_node_name_just_short_enough_loads()
    {
        var name = "node" + new string('x', 47);

        var inventory = InventoryLoader.Parse(InventoryFiles.PostText.Replace("node24", name), "ok.yml");

        Assert.That(inventory.RedisInstances.Select(i => i.Name.Length).Max(), Is.EqualTo(62));
    }

    [TestCase("node22-sentinel", "the Sentinel of node22")]
    [TestCase("node22-redis-4500", "Redis node22-redis-4500")]
    [TestCase("node23-twemproxy", "the proxy on node23")]
    [TestCase("node23-reconfig", "the reconfig service on node23")]
    [TestCase("aspire-dashboard", "Aspire's dashboard")]
    [TestCase("redis-password", "the lab's password parameter")]
    [TestCase("sample-app", "the lab's sample client application")]
    public void A_node_named_like_another_resource_is_refused(string name, string owner)
    {
        var yaml = InventoryFiles.PostWith("  node24: { address: 127.0.0.24 }", $"  node24: {{ address: 127.0.0.24 }}\n  {name}: {{ address: 127.0.0.25 }}");

        Refused(yaml, $"{name}: {{", $"node name '{name}' is already the name of {owner}", "rename the node");
    }

    [TestCase("node22", "the node node22")]
    [TestCase("node23-twemproxy", "the proxy on node23")]
    [TestCase("sample-app", "the lab's sample client application")]
    public void A_shard_named_like_another_resource_is_refused(string name, string owner)
    {
        var yaml = InventoryFiles.PostWith("  g2:\n", $"  {name}:\n");

        Refused(yaml, $"  {name}:\n", $"shard name '{name}' is already the name of {owner}", "rename the shard");
    }

    [TestCase("g2", "\"g2\\n\"", "shard name 'g2\\n'")]
    [TestCase("g2", "\"g 2\"", "shard name 'g 2'")]
    [TestCase("g2", "G2", "shard name 'G2'")]
    public void A_shard_name_with_odd_characters_is_refused(string original, string replacement, string message)
    {
        var yaml = InventoryFiles.PostWith($"  {original}:\n", $"  {replacement}:\n");

        Refused(yaml, $"{replacement}:", message, "Aspire's rule for a resource name");
    }

    [TestCase("\"redis_14555_g1_4500\\n\"")]
    [TestCase("\"redis 14555\"")]
    [TestCase("redis_14555_g1_4500#x")]
    public void A_sentinel_name_with_odd_characters_is_refused(string replacement)
    {
        var yaml = InventoryFiles.PostWith("sentinel_name: redis_14555_g1_4500", $"sentinel_name: {replacement}");

        Refused(yaml, $"sentinel_name: {replacement}", "shard 'g1' sentinel_name '", "may only hold letters, digits, '_', '.' and '-'");
    }

    [TestCase("\"redis_14555\\n\"")]
    [TestCase("\"redis 14555\"")]
    public void A_pool_name_with_odd_characters_is_refused(string replacement)
    {
        var yaml = InventoryFiles.PostWith("pool: redis_14555", $"pool: {replacement}");

        Refused(yaml, $"pool: {replacement}", "twemproxy pool '", "may only hold letters, digits and '_'");
    }

    [Test]
    public void An_empty_replica_in_a_list_is_named_with_its_line()
    {
        var yaml = InventoryFiles.PostWith("replicas: [node24:4500]", "replicas: [node24:4500, ~]");

        Refused(yaml, "replicas: [node24:4500, ~]", "shard 'g1' replicas item 2 is empty", "write <node>:<port> (e.g. node24:4500) or remove the item");
    }

    [Test]
    public void An_empty_sentinel_node_in_a_block_list_is_named_with_its_line()
    {
        var yaml = InventoryFiles.PostWith("  nodes: [node22, node23, node24]", "  nodes:\n    - node22\n    -\n    - node23\n    - node24");

        Refused(yaml, "-\n", "sentinels nodes item 2 is empty", "write a node name (e.g. node24) or remove the item");
    }

    [Test]
    public void An_empty_setting_in_a_list_is_named_with_its_line()
    {
        var yaml = InventoryFiles.PostWith("\"300 10\"", "null");

        Refused(yaml, "save: [", "redis_settings 'save' item 2 is empty", "write \"\" for an empty value, or remove the item");
    }

    [Test]
    public void Deeply_nested_brackets_are_refused_before_they_are_read()
    {
        var yaml = InventoryFiles.PostWith("  timeout: 0\n", $"  timeout: {new string('[', 10_000)}\n");

        Refused(yaml, "timeout: [", "more than 16 levels of nesting", "an inventory needs at most 4");
    }

    [Test]
    public void Anchors_and_aliases_are_refused()
    {
        var yaml = InventoryFiles.PostWith("replicas: [node24:4500]", "replicas: &r [node24:4500]").Replace("replicas: [node24:4501]", "replicas: *r");

        var error = Fails(yaml);

        Assert.That(error.Message, Does.Contain($"bad.yml:{InventoryFiles.LineOf(yaml, "&r")}: an anchor (&r) is not supported here; write the value out in full"));
        Assert.That(error.Message, Does.Contain($"bad.yml:{InventoryFiles.LineOf(yaml, "*r")}: an alias (*r) is not supported here; write the value out in full"));
    }

    [Test]
    public void A_second_document_is_refused()
    {
        var yaml = InventoryFiles.PostText + "---\nnodes: {}\n";

        Refused(yaml, "---", "a second YAML document starts here", "an inventory is one document");
    }

    [Test]
    public void A_port_with_spaces_or_signs_is_refused()
    {
        var yaml = InventoryFiles.PostWith("master: node22:4500", "master: \"node22:+4500\"");

        Refused(yaml, "master: \"node22", "shard 'g1' master 'node22:+4500': port '+4500' has a sign", "e.g. node22:4500");
    }

    [Test]
    public void An_address_in_an_odd_notation_is_asked_for_in_dotted_form()
    {
        var yaml = InventoryFiles.PostWith("node24: { address: 127.0.0.24 }", "node24: { address: 127.24 }");

        Refused(yaml, "127.24", "node 'node24' address '127.24' must be four numbers", "e.g. 127.0.0.24");
    }

    [Test]
    public void A_problem_with_a_value_points_at_the_value_not_its_section()
    {
        var yaml = InventoryFiles.PostWith("  parallel_syncs: 1", "  parallel_syncs: 0");

        Refused(yaml, "parallel_syncs: 0", "parallel_syncs '0' is out of range; use 1-4", "e.g. 'parallel_syncs: 1'");
    }

    // Each row: one refusal no other test reaches; the row catches its check being dropped (the lab would start with
    // a second node on one address, a shard Sentinel cannot tell from another, a proxy hash nutcracker rejects at run time).
    [TestCase("  node24: { address: 127.0.0.24 }", "  node24: { address: 127.0.0.22 }", "node24: { address: 127.0.0.22 }",
        "node 'node24' has the same address 127.0.0.22 as node 'node22'", "give each node its own")]
    [TestCase("  node24: { address: 127.0.0.24 }", "  node24: { }", "node24: { }",
        "node 'node24' is missing 'address'", "add 'address: 127.0.0.N'")]
    [TestCase("  node24: { address: 127.0.0.24 }", "  node24:", "node24:   #",
        "node 'node24' has no settings", "give it '{ address: 127.0.0.N }'")]
    [TestCase("sentinel_name: redis_14555_g2_4501", "sentinel_name: redis_14555_g1_4500", "sentinel_name: redis_14555_g1_4500\n    master: node22:4501",
        "shard 'g2' reuses sentinel_name 'redis_14555_g1_4500'", "each shard needs its own")]
    [TestCase("master: node22:4500", "master: node22:70000", "master: node22:70000",
        "shard 'g1' master 'node22:70000': port '70000' is out of range", "use 1024-65535")]
    [TestCase("nodes: [node22, node23, node24]", "nodes: [node22, node23, node22]", "nodes: [node22, node23, node22]",
        "sentinels lists node 'node22' twice", "one Sentinel per node")]
    [TestCase("hash: fnv1a_64", "hash: fnv2_64", "hash: fnv2_64",
        "twemproxy hash 'fnv2_64' is not one nutcracker knows", "fnv1a_64")]
    [TestCase("distribution: ketama", "distribution: ring", "distribution: ring",
        "twemproxy distribution 'ring' is not one nutcracker knows", "ketama")]
    [TestCase("redis: true", "redis: false", "redis: false",
        "twemproxy redis: false would proxy memcached", "set 'redis: true'")]
    [TestCase("server_names: shard", "server_names: names", "server_names: names",
        "twemproxy server_names 'names' is unknown", "use 'shard'")]
    [TestCase("  timeout: 0", "  timeout: { seconds: 0 }", "timeout: { seconds: 0 }",
        "redis_settings 'timeout' must be a value or a list of values, not a mapping", "not a mapping")]
    [TestCase("  nodes: [node22, node23, node24]\n  port: 26379", "  port: 26379", "sentinels:",
        "sentinels has no 'nodes'", "e.g. 'nodes: [node22, node23, node24]'")]
    [TestCase("  node: node23\n", "", "twemproxy:",
        "twemproxy is missing 'node'", "add e.g. 'node: node23'")]
    [TestCase("  node: node23\n", "  nodes: []\n", "nodes: []",
        "twemproxy nodes is empty", "e.g. 'nodes: [node23, node24]'")]
    [TestCase("front_door: 127.0.0.1 ", "front_door: 127.1 ", "front_door: 127.1",
        "twemproxy front_door '127.1' is an unusual way to write 127.0.0.1", "write 127.0.0.1")]
    [TestCase("  timeout: 0", "  timeout: 0\n  ~: 5", "~: 5",
        "a key here is empty; give it a name in redis_settings", "or remove the line")]
    [TestCase("  timeout: 0", "  timeout: 0\n  [timeout, loglevel]: 5", "[timeout, loglevel]: 5",
        "a key here is a list or a mapping", "followed by ':'")]
    public void A_value_the_lab_cannot_run_is_refused_where_it_is_written(string from, string to, string at, string message, string fix) =>
        Refused(InventoryFiles.PostWith(from, to), at, message, fix);

    [Test]
    public void A_file_that_is_a_list_is_asked_for_key_value_lines() =>
        Assert.That(Fails("- node22\n- node23\n").Message,
            Does.StartWith("bad.yml:1: an inventory is 'key: value' lines").And.Contain("start from inventories/post-2016.yml"));

    [TestCase("nodes")]
    [TestCase("shards")]
    [TestCase("sentinels")]
    [TestCase("twemproxy")]
    public void A_missing_section_is_named(string section)
    {
        var lines = InventoryFiles.PostWith($"\n{section}:", $"\n{section}:").Split('\n');
        var start = Array.IndexOf(lines, $"{section}:");
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l[0] != '#');
        var yaml = string.Join('\n', lines[..start].Concat(end < 0 ? [] : lines[end..]));

        Assert.That(Fails(yaml).Message, Does.Contain($"missing '{section}:'").And.Not.Contain("   at "));
    }

    [Test]
    public void A_section_written_as_a_single_value_is_refused_in_the_labs_words()
    {
        // Found by the fuzz test (seed 20261205): .NET's "Invalid cast from 'System.String' to '...SentinelsSection'" leaked.
        var yaml = InventoryFiles.PostWith(
            "sentinels:\n  nodes: [node22, node23, node24]\n  port: 26379\n  quorum: 2\n  down_after_milliseconds: 2500\n  failover_timeout: 10000\n  parallel_syncs: 1\n",
            "sentinels: three\n");

        var error = Refused(yaml, "sentinels: three", "expected the sentinels settings as 'key: value' lines here, found a single value", "'key: value'");
        Assert.That(error.Message, Does.Not.Contain("System.").And.Not.Contain("cast"));
    }

    [Test]
    public void A_list_written_as_a_single_value_is_refused_in_the_labs_words()
    {
        // Found by the fuzz test (seed 20261205): .NET's "Invalid cast from 'System.String' to 'System.Collections.Generic.List`1[...]'" leaked.
        var yaml = InventoryFiles.PostWith("  nodes: [node22, node23, node24]", "  nodes: node22");

        var error = Refused(yaml, "nodes: node22", "expected a list here", "[a, b]");
        Assert.That(error.Message, Does.Not.Contain("System."));
    }

    [Test]
    public void An_unknown_key_holding_a_quote_is_still_named_as_an_unknown_key()
    {
        // Found by the fuzz test (seed 20261205): the quote cut the key's pattern short and .NET's wording leaked.
        var yaml = InventoryFiles.PostWith(Quorum, "  quo'rum: 2\n");

        var error = Refused(yaml, "quo'rum", "unknown key", "check its spelling");
        Assert.That(error.Message, Does.Not.Contain("RedisHaLab."));
    }
}
