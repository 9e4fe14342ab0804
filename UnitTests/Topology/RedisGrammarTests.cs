using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>
/// <c>redis_settings</c> against Redis 7.0's own grammar: names Redis knows, values of the kind Redis reads,
/// <c>rename-command</c> decoded as Redis decodes it, and settings that would defeat the lab refused with the reason.
/// </summary>
public class RedisGrammarTests
{
    /// <summary>The post's inventory with <paramref name="settings"/> as its only redis_settings lines.</summary>
    private static string PostWithSettings(params string[] settings)
    {
        var lines = InventoryFiles.PostText.Split('\n').ToList();
        var start = lines.IndexOf("redis_settings:") + 1;
        var end = lines.FindIndex(start, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, [.. settings.Select(s => $"  {s}"), ""]);
        return string.Join('\n', lines);
    }

    private static string FixturePath =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Topology", "Fixtures", "redis-7.0.15-conf-directives.txt");

    /// <summary>The directive names of Debian's redis.conf for 7.0.15 (how they were obtained is in the file's header).</summary>
    private static HashSet<string> ShippedDirectives =>
        File.ReadLines(FixturePath).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);

    [Test]
    public void Every_directive_the_lab_knows_is_in_the_redis_conf_the_image_ships()
    {
        var shipped = ShippedDirectives;

        Assert.That(RedisDirectives.Known.Keys.Where(name => !shipped.Contains(name)), Is.Empty,
            "a name the lab knows that Redis 7.0.15's redis.conf does not show: a typo, or a directive of another Redis");
        Assert.That(RedisDirectives.Aliases.Values.Where(name => !RedisDirectives.Known.ContainsKey(name)), Is.Empty,
            "an alias must fold onto a directive the lab knows");
    }

    [Test]
    public void Every_directive_of_the_shipped_redis_conf_is_known_to_the_lab()
    {
        // cluster-* and tls-* are refused by their prefix, without a grammar of their own.
        var unknown = ShippedDirectives.Where(name =>
            RedisDirectives.GrammarOf(name) is null && !RedisDirectives.IsIgnored(name) && RedisDirectives.WhyRefused(name) is null);

        Assert.That(unknown, Is.Empty, "a directive of redis.conf the lab would call unknown");
    }

    [TestCaseSource(nameof(ShippedInventories))]
    public void A_shipped_inventory_still_loads(string file) =>
        Assert.DoesNotThrow(() => InventoryLoader.Load(file));

    private static IEnumerable<string> ShippedInventories() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories"), "*.yml").Order();

    [TestCase("maxmemroy", "256mb", "maxmemory")]
    [TestCase("apendonly", "no", "appendonly")]
    [TestCase("replica-priorty", "100", "replica-priority")]
    [TestCase("slave-read-onyl", "yes", "slave-read-only")]
    public void A_misspelt_directive_is_refused_with_the_nearest_name(string typo, string value, string nearest)
    {
        var yaml = PostWithSettings($"{typo}: {value}");

        Refused(yaml, $"{typo}:", $"redis_settings '{typo}' is not a Redis 7.0 directive; did you mean '{nearest}'?");
    }

    [Test]
    public void An_unknown_directive_far_from_any_is_refused_with_where_to_look()
    {
        var yaml = PostWithSettings("frobnicate: 1");

        Refused(yaml, "frobnicate:", "redis_settings 'frobnicate' is not a Redis 7.0 directive; check its spelling against the redis.conf of Redis 7.0");
    }

    [TestCase("false", "appendonly no")]
    [TestCase("False", "appendonly no")]
    [TestCase("true", "appendonly yes")]
    [TestCase("\"yes\"", "appendonly yes")]
    [TestCase("NO", "appendonly NO")]
    public void A_yaml_boolean_for_a_yes_no_directive_is_written_as_yes_or_no(string value, string line)
    {
        var yaml = PostWithSettings($"appendonly: {value}");

        var inventory = InventoryLoader.Parse(yaml, "ok.yml");
        var conf = RedisConfigFile.RenderRedis(inventory, inventory.Shards[0].Master, password: null);

        Assert.That(conf.Split('\n'), Does.Contain(line));
    }

    // Catches: the post's disk-based full sync dropped (every full sync then waits 7.0's 5 s for more replicas), or
    // written after the inventory's settings (Redis keeps the last value, so redis_settings could no longer choose).
    [Test]
    public void Replicas_sync_through_a_file_as_the_posts_Redis_did_unless_redis_settings_says_otherwise()
    {
        var post = InventoryLoader.Parse(PostWithSettings("timeout: 0"), "post.yml");
        var chosen = InventoryLoader.Parse(PostWithSettings("repl-diskless-sync: \"yes\""), "diskless.yml");

        var byDefault = RedisConfigFile.RenderRedis(post, post.Shards[0].Master, password: null).Split('\n');
        var overridden = RedisConfigFile.RenderRedis(chosen, chosen.Shards[0].Master, password: null).Split('\n').ToList();

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.Where(l => l.StartsWith("repl-diskless-sync ")), Is.EqualTo(new[] { "repl-diskless-sync no" }));
            Assert.That(overridden.FindLastIndex(l => l.StartsWith("repl-diskless-sync ")), Is.EqualTo(overridden.IndexOf("repl-diskless-sync yes")),
                "the inventory's own value is the last one Redis reads");
        });
    }

    [TestCase("on")]
    [TestCase("1")]
    [TestCase("enabled")]
    public void Anything_else_for_a_yes_no_directive_is_refused(string value)
    {
        var yaml = PostWithSettings($"appendonly: {value}");

        Refused(yaml, "appendonly:", $"redis_settings 'appendonly' value '{value}' is not yes or no; write \"yes\" or \"no\"");
    }

    [TestCase("maxmemory", "\"256 mb\"", "is 2 words, and Redis reads one value here")]
    [TestCase("maxmemory", "1.5gb", "is not a size as Redis reads one; write bytes, or digits with a unit b, k, kb, m, mb, g or gb")]
    [TestCase("maxmemory", "0256mb", "is not a size as Redis reads one")]
    [TestCase("maxmemory", "256tb", "is not a size as Redis reads one")]
    [TestCase("maxmemory", "99999999999999999999", "is not a size as Redis reads one")]
    [TestCase("maxmemory-clients", "101%", "is not a percentage of maxmemory; write one from 0% to 100%")]
    [TestCase("proto-max-bulk-len", "1kb", "is out of range; write a size from 1048576 bytes up")]
    [TestCase("databases", "014", "is not an integer as Redis reads one; write digits only ('-' first for a negative one), without leading zeros")]
    [TestCase("tcp-keepalive", "1_000", "is not an integer as Redis reads one")]
    [TestCase("tcp-keepalive", "+300", "is not an integer as Redis reads one")]
    [TestCase("hz", "0x10", "is not an integer as Redis reads one")]
    [TestCase("active-expire-effort", "11", "is out of range; write an integer from 1 to 10")]
    [TestCase("databases", "0", "is out of range; write an integer from 1 to 2147483647")]
    [TestCase("maxmemory-policy", "allkeys-lru2", "is not one of volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction")]
    [TestCase("appendfsync", "sometimes", "is not one of everysec, always, no")]
    [TestCase("loglevel", "info", "is not one of debug, verbose, notice, warning")]
    [TestCase("dbfilename", "../dump.rdb", "is not a file name; write a name without '/'")]
    [TestCase("notify-keyspace-events", "Exq", "holds a letter that is no event class")]
    [TestCase("oom-score-adj-values", "\"0 200\"", "must be three integers from -2000 to 2000")]
    [TestCase("client-output-buffer-limit", "\"master 0 0 0\"", "names class 'master'; use normal, replica or pubsub")]
    [TestCase("client-output-buffer-limit", "\"replica 256mb 64mb\"", "must be a client class, a hard limit, a soft limit and seconds")]
    [TestCase("latency-tracking-info-percentiles", "\"50 101\"", "must be percentiles from 0 to 100")]
    [TestCase("syslog-ident", "'\"redis'", "is not one redis.conf value: a quote is left open")]
    [TestCase("syslog-ident", "'\"redis\"x'", "is not one redis.conf value")]
    public void A_value_redis_would_not_read_is_refused_with_how_to_write_it(string directive, string value, string problem)
    {
        var yaml = PostWithSettings($"{directive}: {value}");

        Refused(yaml, $"{directive}:", $"redis_settings '{directive}' value ", problem);
    }

    [Test]
    public void A_save_item_that_is_not_pairs_is_refused()
    {
        var yaml = PostWithSettings("save: [\"900 1\", \"300\"]");

        Refused(yaml, "save: [", "redis_settings 'save' item 2 '300' must be pairs of seconds and changes");
    }

    [Test]
    public void A_list_for_a_directive_that_takes_one_value_is_refused()
    {
        var yaml = PostWithSettings("maxmemory: [128mb, 256mb]");

        Refused(yaml, "maxmemory:", "redis_settings 'maxmemory' takes one value, not a list (Redis would keep only the last line)");
    }

    [TestCase("slave-priority: 100", "replica-priority: 100", "'replica-priority' and 'slave-priority' are one directive")]
    [TestCase("busy-reply-threshold: 5000", "lua-time-limit: 5000", "'lua-time-limit' and 'busy-reply-threshold' are one directive")]
    [TestCase("hash-max-listpack-entries: 512", "hash-max-ziplist-entries: 1024", "'hash-max-ziplist-entries' and 'hash-max-listpack-entries' are one directive")]
    public void A_directive_and_its_old_name_together_are_refused(string first, string second, string problem)
    {
        var yaml = PostWithSettings(first, second);

        Refused(yaml, second, $"redis_settings {problem}", "keep one of them");
    }

    [TestCase("maxmemory", "1", "is below 8mb")]
    [TestCase("maxmemory", "1mb", "is below 8mb")]
    [TestCase("maxclients", "1", "is below 64")]
    [TestCase("maxclients", "63", "is below 64")]
    [TestCase("min-replicas-to-write", "2", "is more than the 1 replica(s) of the smallest shard")]
    [TestCase("min-slaves-to-write", "2", "is more than the 1 replica(s) of the smallest shard")]
    [TestCase("replica-read-only", "\"no\"", "would let a replica take writes that its next resynchronisation erases silently")]
    [TestCase("slave-read-only", "false", "would let a replica take writes")]
    [TestCase("replica-priority", "0", "would tell Sentinel never to promote a replica")]
    [TestCase("slave-priority", "0", "would tell Sentinel never to promote a replica")]
    [TestCase("enable-debug-command", "\"yes\"", "would let a client crash, stall or reconfigure an instance")]
    [TestCase("enable-module-command", "local", "would let a client crash, stall or reconfigure an instance")]
    [TestCase("enable-protected-configs", "\"yes\"", "would let a client crash, stall or reconfigure an instance")]
    [TestCase("shutdown-on-sigterm", "nosave", "would change what an instance does when the lab stops or restarts it")]
    [TestCase("shutdown-on-sigint", "\"now force\"", "would change what an instance does")]
    [TestCase("client-output-buffer-limit", "\"pubsub 1kb 1kb 60\"", "limits the pubsub class below 1mb")]
    public void A_setting_that_defeats_the_lab_is_refused_with_the_reason(string directive, string value, string reason)
    {
        var yaml = PostWithSettings($"{directive}: {value}");

        Refused(yaml, $"{directive}:", $"redis_settings '{directive}' value ", reason);
    }

    [Test]
    public void Maxmemory_at_the_floor_and_no_limit_are_accepted()
    {
        Assert.DoesNotThrow(() => InventoryLoader.Parse(PostWithSettings("maxmemory: 8mb"), "ok.yml"));
        Assert.DoesNotThrow(() => InventoryLoader.Parse(PostWithSettings("maxmemory: 0"), "ok.yml"));
    }

    [TestCase("loadmodule", "/usr/lib/redis/modules/x.so", "a module runs code inside redis-server that the lab never checks")]
    [TestCase("protected-mode", "\"yes\"", "the lab sets it for each instance")]
    [TestCase("unixsocket", "/tmp/redis.sock", "the lab reaches each instance over TCP")]
    [TestCase("slave-announce-ip", "10.0.0.1", "replication is the lab's")]
    [TestCase("bind-source-addr", "10.0.0.1", "the lab sets it for each instance")]
    public void A_directive_the_lab_owns_or_cannot_check_is_refused(string directive, string value, string reason)
    {
        var yaml = PostWithSettings($"{directive}: {value}");

        Refused(yaml, $"{directive}:", $"redis_settings may not set '{directive}': {reason}", "remove it");
    }

    [TestCase("'\"CON\\x46IG\" \"\"'", "CONFIG", "Redis reads '\"CON\\x46IG\"' as 'CONFIG'")]
    [TestCase("'\"con\\x66ig\" x'", "CONFIG", "Redis reads '\"con\\x66ig\"' as 'config'")]
    [TestCase("\"'CONFIG' x\"", "CONFIG", "Redis reads ''CONFIG'' as 'CONFIG'")]
    [TestCase("'c\"onfig\" x'", "CONFIG", "Redis reads 'c\"onfig\"' as 'config'")]
    [TestCase("'FLUSHALL \"G\\x45T\"'", "GET", "")]
    public void A_rename_of_a_command_the_lab_needs_is_refused_however_it_is_quoted(string value, string command, string decoded)
    {
        var yaml = PostWithSettings($"rename-command: {value}");

        var error = Refused(yaml, "rename-command", "redis_settings rename-command ", $"touches {command}");
        Assert.That(error.Message, Does.Contain(decoded).And.Contain($"the lab relies on {command}"));
    }

    [TestCase("FLUSHAL \"\"", "'FLUSHAL' is not a Redis 7.0 command")]
    [TestCase("FLUSHALL DEL", "DEL is already a Redis command")]
    public void A_rename_redis_would_refuse_at_start_is_refused(string value, string problem)
    {
        var yaml = PostWithSettings($"rename-command: '{value}'");

        Refused(yaml, "rename-command", "redis_settings rename-command ", problem);
    }

    [Test]
    public void Renaming_one_command_twice_is_refused()
    {
        var yaml = PostWithSettings("rename-command: [\"FLUSHALL x1\", \"flushall x2\"]");

        Refused(yaml, "rename-command", "redis_settings rename-command 'flushall x2': FLUSHALL is already renamed above");
    }

    [TestCase("maxmemory: 2GB", "maxmemory 2GB")]
    [TestCase("maxmemory: 100000k", "maxmemory 100000k")]
    [TestCase("maxmemory-policy: ALLKEYS-LRU", "maxmemory-policy ALLKEYS-LRU")]
    [TestCase("maxmemory-clients: 10%", "maxmemory-clients 10%")]
    [TestCase("slowlog-log-slower-than: -1", "slowlog-log-slower-than -1")]
    [TestCase("list-max-listpack-size: -2", "list-max-listpack-size -2")]
    [TestCase("notify-keyspace-events: Ex", "notify-keyspace-events Ex")]
    [TestCase("notify-keyspace-events: \"\"", "notify-keyspace-events \"\"")]
    [TestCase("latency-tracking-info-percentiles: 50 99 99.9", "latency-tracking-info-percentiles 50 99 99.9")]
    [TestCase("oom-score-adj-values: 0 200 800", "oom-score-adj-values 0 200 800")]
    [TestCase("min-replicas-to-write: 1", "min-replicas-to-write 1")]
    [TestCase("maxclients: 64", "maxclients 64")]
    [TestCase("shutdown-on-sigterm: default", "shutdown-on-sigterm default")]
    [TestCase("enable-debug-command: \"no\"", "enable-debug-command no")]
    [TestCase("enable-debug-command: false", "enable-debug-command no")]
    [TestCase("sanitize-dump-payload: true", "sanitize-dump-payload yes")]
    [TestCase("server_cpulist: 0-1", "server_cpulist 0-1")]
    [TestCase("syslog-ident: '\"redis lab\"'", "syslog-ident \"redis lab\"")]
    [TestCase("rename-command: '\"KEYS\" \"\"'", "rename-command \"KEYS\" \"\"")]
    [TestCase("lua-replicate-commands: \"yes\"", "lua-replicate-commands yes")]
    public void A_good_setting_is_accepted_and_written_as_given(string setting, string line)
    {
        var yaml = PostWithSettings(setting);

        var inventory = InventoryLoader.Parse(yaml, "ok.yml");
        var conf = RedisConfigFile.RenderRedis(inventory, inventory.Shards[0].Master, password: null);

        Assert.That(conf.Split('\n'), Does.Contain(line));
    }

    [TestCase("a b", new[] { "a", "b" })]
    [TestCase("  a   b  ", new[] { "a", "b" })]
    [TestCase("a\"b c\"", new[] { "ab c" })]
    [TestCase("\"\\x41\\x4a\\n\" x", new[] { "AJ\n", "x" })]
    [TestCase("\"\\x4\"", new[] { "x4" })]
    [TestCase("\"a\\\"b\"", new[] { "a\"b" })]
    [TestCase("'it\\'s' \"\"", new[] { "it's", "" })]
    [TestCase("'a\\x41'", new[] { "a\\x41" })]
    [TestCase("a\\x41", new[] { "a\\x41" })]
    public void Words_are_split_as_redis_splits_a_conf_line(string line, string[] words) =>
        Assert.That(RedisDirectives.Words(line), Is.EqualTo(words));

    [TestCase("\"a")]
    [TestCase("'a")]
    [TestCase("\"a\"b")]
    [TestCase("'a'b")]
    public void A_line_redis_cannot_split_has_no_words(string line) =>
        Assert.That(RedisDirectives.Words(line), Is.Null);

    [TestCase("256mb", 256L * 1024 * 1024)]
    [TestCase("256MB", 256L * 1024 * 1024)]
    [TestCase("1k", 1000L)]
    [TestCase("1Kb", 1024L)]
    [TestCase("2g", 2_000_000_000L)]
    [TestCase("3gb", 3L * 1024 * 1024 * 1024)]
    [TestCase("5b", 5L)]
    [TestCase("0", 0L)]
    public void Sizes_are_read_with_redis_units(string word, long bytes) =>
        Assert.That(RedisDirectives.ParseMemory(word), Is.EqualTo(bytes));

    private static InventoryException Refused(string yaml, string at, string message, string? fix = null)
    {
        var error = Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;
        var line = InventoryFiles.LineOf(yaml, at);
        var problem = error.Problems.SingleOrDefault(p => p.Line == line && p.Message.StartsWith(message, StringComparison.Ordinal));
        Assert.That(problem, Is.Not.Null, $"expected a problem on line {line} starting '{message}', got:\n{error.Message}");
        if (fix is not null)
        {
            Assert.That(problem!.Message, Does.Contain(fix));
        }
        Assert.That(error.Message, Does.Not.Contain("   at "), "no stack trace");
        return error;
    }
}
