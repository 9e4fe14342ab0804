using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace RedisHaLab.Topology;

/// <summary>
/// What an inventory's <c>redis_settings</c> may hold: the directives Redis 7.0 reads (the lab's image runs Debian
/// bookworm's redis-server 7.0.15), each with the value Redis would accept, and none that would move, hide, lock or
/// rewire an instance behind the lab's back or defeat what the lab measures. Redis reads directive names in any case,
/// so they are compared here in lower case: <c>PORT</c> is <c>port</c>.
/// </summary>
/// <remarks>
/// The names, kinds and ranges follow Redis 7.0.15's own table of settings (src/config.c); the unit tests check every
/// name against the redis.conf Debian's package ships (UnitTests/Topology/Fixtures). Settings Redis accepts only
/// outside redis.conf's documentation (its test hooks) are left out on purpose: this list is what the lab vouches for.
/// </remarks>
public static partial class RedisDirectives
{
    /// <summary>The Redis release whose grammar this is, as messages name it.</summary>
    public const string RedisVersion = "7.0";

    /// <summary>
    /// The smallest non-zero <c>maxmemory</c>: an empty Redis 7.0 already uses about 1 MB, and its 1 MB replication
    /// backlog and the clients' buffers come on top; below this the lab's load is refused (noeviction) or evicted as it
    /// is written, and the lab's counts of kept and lost writes mean nothing.
    /// </summary>
    public const long MinMaxMemory = 8L * 1024 * 1024;

    /// <summary>
    /// The fewest <c>maxclients</c>: the lab's own connections to one instance are two per Sentinel (commands and
    /// hellos), one per replica, the proxies' server connections, the health checks, the reconfig service, chaos and the
    /// sample app; below this some of them can be refused, and a refused Sentinel or health check looks like an outage.
    /// </summary>
    public const long MinMaxClients = 64;

    /// <summary>
    /// The smallest non-zero hard or soft output buffer limit of the replica and pubsub classes: a replica's replication
    /// stream and a Sentinel's hello subscription would be cut and reconnected over and over below it.
    /// </summary>
    public const long MinLinkBufferLimit = 1024 * 1024;

    private const string Placement = "the lab sets it for each instance from the shards and nodes";

    private const string Replication = "replication is the lab's: it points each replica at its shard's master and names it to Sentinel, " +
                                       "and Sentinel moves them on failover";

    private const string Login = "a password or an ACL here locks out the lab's Sentinels, proxy, health checks and reconfig service, " +
                                 "which log in as the lab configures them";

    private const string Socket = "the lab reaches each instance over TCP, at the address and port it gives it";

    private static readonly Dictionary<string, string> Refused = new()
    {
        ["port"] = Placement,
        ["bind"] = Placement,
        ["bind-source-addr"] = Placement,
        ["dir"] = Placement,
        ["daemonize"] = Placement,
        ["pidfile"] = Placement,
        ["logfile"] = Placement,
        ["protected-mode"] = Placement,
        ["unixsocket"] = Socket,
        ["unixsocketperm"] = Socket,
        ["include"] = "it would read settings from a file the lab never checks; write them here instead",
        ["loadmodule"] = "a module runs code inside redis-server that the lab never checks, and can add, change or hide commands",
        ["replicaof"] = Replication,
        ["replica-announce-ip"] = Replication,
        ["replica-announce-port"] = Replication,
        ["replica-announced"] = Replication,
        ["masterauth"] = "the lab sets 'masterauth' itself: replicas log in to their master as the lab's own authentication says",
        ["masteruser"] = "the lab sets 'masteruser' itself: replicas log in to their master as the lab's own authentication says",
        ["requirepass"] = Login,
        ["user"] = Login,
        ["aclfile"] = Login,
        ["sentinel"] = "Sentinel's settings belong under 'sentinels:', and redis-server refuses them",
    };

    private static readonly string[] MaxMemoryPolicies =
        ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];

    private static readonly string[] NoYesLocal = ["no", "yes", "local"];

    private static readonly string[] ShutdownFlags = ["default", "save", "nosave", "now", "force"];

    private const long IntMax = int.MaxValue;
    private const long UIntMax = uint.MaxValue;

    /// <summary>Every directive of Redis 7.0's redis.conf the lab knows, by canonical name, refused ones included.</summary>
    public static IReadOnlyDictionary<string, RedisDirectiveGrammar> Known { get; } = new RedisDirectiveGrammar[]
    {
        // yes/no
        new("activedefrag", RedisValueKind.YesNo),
        new("activerehashing", RedisValueKind.YesNo),
        new("always-show-logo", RedisValueKind.YesNo),
        new("aof-load-truncated", RedisValueKind.YesNo),
        new("aof-rewrite-incremental-fsync", RedisValueKind.YesNo),
        new("aof-timestamp-enabled", RedisValueKind.YesNo),
        new("aof-use-rdb-preamble", RedisValueKind.YesNo),
        new("appendonly", RedisValueKind.YesNo),
        new("crash-log-enabled", RedisValueKind.YesNo),
        new("crash-memcheck-enabled", RedisValueKind.YesNo),
        new("daemonize", RedisValueKind.Refused),
        new("disable-thp", RedisValueKind.YesNo),
        new("dynamic-hz", RedisValueKind.YesNo),
        new("io-threads-do-reads", RedisValueKind.YesNo),
        new("jemalloc-bg-thread", RedisValueKind.YesNo),
        new("latency-tracking", RedisValueKind.YesNo),
        new("lazyfree-lazy-eviction", RedisValueKind.YesNo),
        new("lazyfree-lazy-expire", RedisValueKind.YesNo),
        new("lazyfree-lazy-server-del", RedisValueKind.YesNo),
        new("lazyfree-lazy-user-del", RedisValueKind.YesNo),
        new("lazyfree-lazy-user-flush", RedisValueKind.YesNo),
        new("no-appendfsync-on-rewrite", RedisValueKind.YesNo),
        new("protected-mode", RedisValueKind.Refused),
        new("rdb-del-sync-files", RedisValueKind.YesNo),
        new("rdb-save-incremental-fsync", RedisValueKind.YesNo),
        new("rdbchecksum", RedisValueKind.YesNo),
        new("rdbcompression", RedisValueKind.YesNo),
        new("repl-disable-tcp-nodelay", RedisValueKind.YesNo),
        new("repl-diskless-sync", RedisValueKind.YesNo),
        new("replica-announced", RedisValueKind.Refused),
        new("replica-ignore-disk-write-errors", RedisValueKind.YesNo),
        new("replica-ignore-maxmemory", RedisValueKind.YesNo),
        new("replica-lazy-flush", RedisValueKind.YesNo),
        new("replica-read-only", RedisValueKind.YesNo),
        new("replica-serve-stale-data", RedisValueKind.YesNo),
        new("set-proc-title", RedisValueKind.YesNo),
        new("stop-writes-on-bgsave-error", RedisValueKind.YesNo),
        new("syslog-enabled", RedisValueKind.YesNo),

        // one of a few words
        new("acl-pubsub-default", RedisValueKind.Choice, Choices: ["allchannels", "resetchannels"]),
        new("appendfsync", RedisValueKind.Choice, Choices: ["everysec", "always", "no"]),
        new("enable-debug-command", RedisValueKind.Choice, Choices: NoYesLocal),
        new("enable-module-command", RedisValueKind.Choice, Choices: NoYesLocal),
        new("enable-protected-configs", RedisValueKind.Choice, Choices: NoYesLocal),
        new("loglevel", RedisValueKind.Choice, Choices: ["debug", "verbose", "notice", "warning"]),
        new("maxmemory-policy", RedisValueKind.Choice, Choices: MaxMemoryPolicies),
        new("oom-score-adj", RedisValueKind.Choice, Choices: ["no", "yes", "relative", "absolute"]),
        new("propagation-error-behavior", RedisValueKind.Choice, Choices: ["ignore", "panic", "panic-on-replicas"]),
        new("repl-diskless-load", RedisValueKind.Choice, Choices: ["disabled", "on-empty-db", "swapdb"]),
        new("sanitize-dump-payload", RedisValueKind.Choice, Choices: ["no", "yes", "clients"]),
        new("shutdown-on-sigint", RedisValueKind.Flags, Choices: ShutdownFlags),
        new("shutdown-on-sigterm", RedisValueKind.Flags, Choices: ShutdownFlags),
        new("supervised", RedisValueKind.Choice, Choices: ["upstart", "systemd", "auto", "no"]),
        new("syslog-facility", RedisValueKind.Choice, Choices: ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]),

        // integers
        new("acllog-max-len", RedisValueKind.Integer),
        new("active-defrag-cycle-max", RedisValueKind.Integer, 1, 99),
        new("active-defrag-cycle-min", RedisValueKind.Integer, 1, 99),
        new("active-defrag-max-scan-fields", RedisValueKind.Integer, 1),
        new("active-defrag-threshold-lower", RedisValueKind.Integer, 0, 1000),
        new("active-defrag-threshold-upper", RedisValueKind.Integer, 0, 1000),
        new("active-expire-effort", RedisValueKind.Integer, 1, 10),
        new("auto-aof-rewrite-percentage", RedisValueKind.Integer, 0, IntMax),
        new("busy-reply-threshold", RedisValueKind.Integer),
        new("databases", RedisValueKind.Integer, 1, IntMax),
        new("hash-max-listpack-entries", RedisValueKind.Integer),
        new("hz", RedisValueKind.Integer, 0, IntMax),
        new("io-threads", RedisValueKind.Integer, 1, 128),
        new("latency-monitor-threshold", RedisValueKind.Integer),
        new("lfu-decay-time", RedisValueKind.Integer, 0, IntMax),
        new("lfu-log-factor", RedisValueKind.Integer, 0, IntMax),
        new("list-compress-depth", RedisValueKind.Integer, 0, IntMax),
        new("list-max-listpack-size", RedisValueKind.Integer, int.MinValue, IntMax),
        new("maxclients", RedisValueKind.Integer, 1, UIntMax),
        new("maxmemory-eviction-tenacity", RedisValueKind.Integer, 0, 100),
        new("maxmemory-samples", RedisValueKind.Integer, 1, IntMax),
        new("min-replicas-max-lag", RedisValueKind.Integer, 0, IntMax),
        new("min-replicas-to-write", RedisValueKind.Integer, 0, IntMax),
        new("port", RedisValueKind.Refused),
        new("repl-backlog-ttl", RedisValueKind.Integer),
        new("repl-diskless-sync-delay", RedisValueKind.Integer, 0, IntMax),
        new("repl-diskless-sync-max-replicas", RedisValueKind.Integer, 0, IntMax),
        new("repl-ping-replica-period", RedisValueKind.Integer, 1, IntMax),
        new("repl-timeout", RedisValueKind.Integer, 1, IntMax),
        new("replica-announce-port", RedisValueKind.Refused),
        new("replica-priority", RedisValueKind.Integer, 0, IntMax),
        new("set-max-intset-entries", RedisValueKind.Integer),
        new("shutdown-timeout", RedisValueKind.Integer, 0, IntMax),
        new("slowlog-log-slower-than", RedisValueKind.Integer, -1),
        new("slowlog-max-len", RedisValueKind.Integer),
        new("socket-mark-id", RedisValueKind.Integer, 0, UIntMax),
        new("stream-node-max-entries", RedisValueKind.Integer),
        new("tcp-backlog", RedisValueKind.Integer, 0, IntMax),
        new("tcp-keepalive", RedisValueKind.Integer, 0, IntMax),
        new("timeout", RedisValueKind.Integer, 0, IntMax),
        new("tracking-table-max-keys", RedisValueKind.Integer),
        new("unixsocketperm", RedisValueKind.Refused),
        new("zset-max-listpack-entries", RedisValueKind.Integer),

        // sizes in bytes
        new("active-defrag-ignore-bytes", RedisValueKind.Memory, 1),
        new("auto-aof-rewrite-min-size", RedisValueKind.Memory),
        new("client-query-buffer-limit", RedisValueKind.Memory, 1024 * 1024),
        new("hash-max-listpack-value", RedisValueKind.Memory),
        new("hll-sparse-max-bytes", RedisValueKind.Memory),
        new("maxmemory", RedisValueKind.Memory),
        new("maxmemory-clients", RedisValueKind.MemoryOrPercent),
        new("proto-max-bulk-len", RedisValueKind.Memory, 1024 * 1024),
        new("repl-backlog-size", RedisValueKind.Memory, 1),
        new("stream-node-max-bytes", RedisValueKind.Memory),
        new("zset-max-listpack-value", RedisValueKind.Memory),

        // free text and file names
        new("aclfile", RedisValueKind.Refused),
        new("aof_rewrite_cpulist", RedisValueKind.Text),
        new("appenddirname", RedisValueKind.FileName),
        new("appendfilename", RedisValueKind.FileName),
        new("bgsave_cpulist", RedisValueKind.Text),
        new("bind-source-addr", RedisValueKind.Refused),
        new("bio_cpulist", RedisValueKind.Text),
        new("dbfilename", RedisValueKind.FileName),
        new("ignore-warnings", RedisValueKind.Text),
        new("logfile", RedisValueKind.Refused),
        new("masterauth", RedisValueKind.Refused),
        new("masteruser", RedisValueKind.Refused),
        new("pidfile", RedisValueKind.Refused),
        new("proc-title-template", RedisValueKind.Text),
        new("replica-announce-ip", RedisValueKind.Refused),
        new("requirepass", RedisValueKind.Refused),
        new("server_cpulist", RedisValueKind.Text),
        new("syslog-ident", RedisValueKind.Text),
        new("unixsocket", RedisValueKind.Refused),

        // values of their own
        new("bind", RedisValueKind.Refused),
        new("client-output-buffer-limit", RedisValueKind.OutputBufferLimits, Repeats: true),
        new("dir", RedisValueKind.Refused),
        new("latency-tracking-info-percentiles", RedisValueKind.Percentiles),
        new("notify-keyspace-events", RedisValueKind.KeyspaceEvents),
        new("oom-score-adj-values", RedisValueKind.OomScores),
        new("replicaof", RedisValueKind.Refused),
        new("save", RedisValueKind.SavePoints, Repeats: true),

        // read by redis.conf's loader itself rather than its table of settings
        new("include", RedisValueKind.Refused),
        new("loadmodule", RedisValueKind.Refused),
        new("rename-command", RedisValueKind.Rename, Repeats: true),
        new("user", RedisValueKind.Refused),
    }.ToDictionary(d => d.Name);

    /// <summary>
    /// Old names Redis 7.0 still reads as the new ones (mostly from before "slave" became "replica", and before listpack
    /// replaced ziplist); a directive and its alias are one setting, so an inventory may give only one of them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["hash-max-ziplist-entries"] = "hash-max-listpack-entries",
        ["hash-max-ziplist-value"] = "hash-max-listpack-value",
        ["list-max-ziplist-size"] = "list-max-listpack-size",
        ["lua-time-limit"] = "busy-reply-threshold",
        ["min-slaves-max-lag"] = "min-replicas-max-lag",
        ["min-slaves-to-write"] = "min-replicas-to-write",
        ["repl-ping-slave-period"] = "repl-ping-replica-period",
        ["slave-announce-ip"] = "replica-announce-ip",
        ["slave-announce-port"] = "replica-announce-port",
        ["slave-ignore-maxmemory"] = "replica-ignore-maxmemory",
        ["slave-lazy-flush"] = "replica-lazy-flush",
        ["slave-priority"] = "replica-priority",
        ["slave-read-only"] = "replica-read-only",
        ["slave-serve-stale-data"] = "replica-serve-stale-data",
        ["slaveof"] = "replicaof",
        ["zset-max-ziplist-entries"] = "zset-max-listpack-entries",
        ["zset-max-ziplist-value"] = "zset-max-listpack-value",
    };

    /// <summary>
    /// Directives Redis 7.0 reads and ignores (it kept them so that old files still load): accepted, since the post's
    /// inventories carry them, but they change nothing; <c>list-max-listpack-size</c> is what sizes lists now.
    /// </summary>
    public static IReadOnlyList<string> Ignored { get; } = ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"];

    /// <summary>
    /// Commands the lab sends to Redis, which <c>rename-command</c> may neither rename nor take the name of: Sentinel's
    /// (PING, INFO, ROLE, PUBLISH/SUBSCRIBE hellos, and a failover's MULTI, REPLICAOF, CONFIG REWRITE, CLIENT KILL, EXEC),
    /// replication's (REPLCONF, PSYNC, SYNC), the clients' connection handshake (AUTH, HELLO, CLIENT, CONFIG GET, ECHO,
    /// SELECT) and the data commands the proxy, chaos and the tests send (GET, SET, EXISTS).
    /// </summary>
    public static IReadOnlyList<string> CommandsTheLabNeeds { get; } =
    [
        "AUTH", "CLIENT", "CONFIG", "ECHO", "EXEC", "EXISTS", "GET", "HELLO", "INFO", "MULTI", "PING", "PSYNC", "PUBLISH",
        "REPLCONF", "REPLICAOF", "ROLE", "SCRIPT", "SELECT", "SET", "SHUTDOWN", "SLAVEOF", "SUBSCRIBE", "SYNC", "UNSUBSCRIBE",
    ];

    /// <summary>
    /// The commands of Redis 7.0.15 (its src/commands, subcommands aside): <c>rename-command</c> of any other name makes
    /// redis-server exit at start ("No such command"), and so does a new name that is already a command's.
    /// </summary>
    public static IReadOnlySet<string> Commands { get; } = new HashSet<string>(
    [
        "ACL", "APPEND", "ASKING", "AUTH", "BGREWRITEAOF", "BGSAVE", "BITCOUNT", "BITFIELD", "BITFIELD_RO", "BITOP", "BITPOS", "BLMOVE", "BLMPOP", "BLPOP", "BRPOP",
        "BRPOPLPUSH", "BZMPOP", "BZPOPMAX", "BZPOPMIN", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "COPY", "DBSIZE", "DEBUG", "DECR", "DECRBY", "DEL", "DISCARD",
        "DUMP", "ECHO", "EVAL", "EVALSHA", "EVALSHA_RO", "EVAL_RO", "EXEC", "EXISTS", "EXPIRE", "EXPIREAT", "EXPIRETIME", "FAILOVER", "FCALL", "FCALL_RO",
        "FLUSHALL", "FLUSHDB", "FUNCTION", "GEOADD", "GEODIST", "GEOHASH", "GEOPOS", "GEORADIUS", "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO",
        "GEORADIUS_RO", "GEOSEARCH", "GEOSEARCHSTORE", "GET", "GETBIT", "GETDEL", "GETEX", "GETRANGE", "GETSET", "HDEL", "HELLO", "HEXISTS", "HGET", "HGETALL",
        "HINCRBY", "HINCRBYFLOAT", "HKEYS", "HLEN", "HMGET", "HMSET", "HRANDFIELD", "HSCAN", "HSET", "HSETNX", "HSTRLEN", "HVALS", "INCR", "INCRBY", "INCRBYFLOAT",
        "INFO", "KEYS", "LASTSAVE", "LATENCY", "LCS", "LINDEX", "LINSERT", "LLEN", "LMOVE", "LMPOP", "LOLWUT", "LPOP", "LPOS", "LPUSH", "LPUSHX", "LRANGE", "LREM", "LSET",
        "LTRIM", "MEMORY", "MGET", "MIGRATE", "MODULE", "MONITOR", "MOVE", "MSET", "MSETNX", "MULTI", "OBJECT", "PERSIST", "PEXPIRE", "PEXPIREAT", "PEXPIRETIME",
        "PFADD", "PFCOUNT", "PFDEBUG", "PFMERGE", "PFSELFTEST", "PING", "PSETEX", "PSUBSCRIBE", "PSYNC", "PTTL", "PUBLISH", "PUBSUB", "PUNSUBSCRIBE", "QUIT",
        "RANDOMKEY", "READONLY", "READWRITE", "RENAME", "RENAMENX", "REPLCONF", "REPLICAOF", "RESET", "RESTORE", "RESTORE-ASKING", "ROLE", "RPOP",
        "RPOPLPUSH", "RPUSH", "RPUSHX", "SADD", "SAVE", "SCAN", "SCARD", "SCRIPT", "SDIFF", "SDIFFSTORE", "SELECT", "SENTINEL", "SET", "SETBIT", "SETEX", "SETNX",
        "SETRANGE", "SHUTDOWN", "SINTER", "SINTERCARD", "SINTERSTORE", "SISMEMBER", "SLAVEOF", "SLOWLOG", "SMEMBERS", "SMISMEMBER", "SMOVE", "SORT",
        "SORT_RO", "SPOP", "SPUBLISH", "SRANDMEMBER", "SREM", "SSCAN", "SSUBSCRIBE", "STRLEN", "SUBSCRIBE", "SUBSTR", "SUNION", "SUNIONSTORE", "SUNSUBSCRIBE",
        "SWAPDB", "SYNC", "TIME", "TOUCH", "TTL", "TYPE", "UNLINK", "UNSUBSCRIBE", "UNWATCH", "WAIT", "WATCH", "XACK", "XADD", "XAUTOCLAIM", "XCLAIM", "XDEL", "XGROUP",
        "XINFO", "XLEN", "XPENDING", "XRANGE", "XREAD", "XREADGROUP", "XREVRANGE", "XSETID", "XTRIM", "ZADD", "ZCARD", "ZCOUNT", "ZDIFF", "ZDIFFSTORE", "ZINCRBY",
        "ZINTER", "ZINTERCARD", "ZINTERSTORE", "ZLEXCOUNT", "ZMPOP", "ZMSCORE", "ZPOPMAX", "ZPOPMIN", "ZRANDMEMBER", "ZRANGE", "ZRANGEBYLEX",
        "ZRANGEBYSCORE", "ZRANGESTORE", "ZRANK", "ZREM", "ZREMRANGEBYLEX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYLEX",
        "ZREVRANGEBYSCORE", "ZREVRANK", "ZSCAN", "ZSCORE", "ZUNION", "ZUNIONSTORE",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical name of <paramref name="directive"/> (lower case, alias folded); itself when unknown.</summary>
    public static string Canonical(string directive)
    {
        var name = directive.ToLowerInvariant();
        return Aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }

    /// <summary>Why <c>redis_settings</c> may not set <paramref name="directive"/>, in any case; null when it may.</summary>
    public static string? WhyRefused(string directive)
    {
        var name = Canonical(directive);
        if (Refused.TryGetValue(name, out var reason))
        {
            return reason;
        }
        if (name.StartsWith("cluster-", StringComparison.Ordinal))
        {
            return "cluster mode is not this lab's architecture (twemproxy shards the keys, Sentinel fails over)";
        }
        if (name.StartsWith("tls-", StringComparison.Ordinal))
        {
            return "the lab's Sentinels, replicas, proxy and health checks speak plain TCP to Redis";
        }
        return null;
    }

    /// <summary>The grammar of <paramref name="directive"/> (any case, alias folded); null when Redis 7.0's redis.conf has no such directive.</summary>
    public static RedisDirectiveGrammar? GrammarOf(string directive) =>
        Known.TryGetValue(Canonical(directive), out var grammar) ? grammar : null;

    /// <summary>True when Redis 7.0 reads <paramref name="directive"/> and ignores it.</summary>
    public static bool IsIgnored(string directive) => Ignored.Contains(directive.ToLowerInvariant());

    /// <summary>The known directive (or alias) nearest to a misspelt <paramref name="directive"/>; null when none is close.</summary>
    public static string? Nearest(string directive)
    {
        var name = directive.ToLowerInvariant();
        // A third of the name's length in edits, at least 1 and at most 3: 'maxmemroy' finds 'maxmemory', 'foo' finds nothing.
        var allowed = Math.Clamp(name.Length / 3, 1, 3);
        return Known.Keys.Concat(Aliases.Keys).Concat(Ignored)
            .Select(candidate => (Candidate: candidate, Distance: EditDistance(name, candidate)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance).ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }

    /// <summary>True for a name written as redis.conf writes directives: lower-case letters, digits, '-' and '_'.</summary>
    public static bool IsWellFormed(string directive) => NamePattern().IsMatch(directive);

    /// <summary>
    /// What is wrong with one value of <paramref name="grammar"/>'s directive as Redis 7.0 would read it, and how to
    /// write it instead; null when Redis reads it. <paramref name="rendered"/> is the value to write into redis.conf
    /// (a YAML boolean becomes yes or no).
    /// </summary>
    public static string? ValueProblem(RedisDirectiveGrammar grammar, string value, out string rendered)
    {
        rendered = value;
        // The lab writes an empty value as "", which Redis reads as one empty word.
        var words = value.Length == 0 ? [""] : Words(value);
        if (words is null)
        {
            return "is not one redis.conf value: a quote is left open, or a closing quote is followed by more than a space; " +
                   "close every quote, and put a space after it";
        }
        switch (grammar.Kind)
        {
            case RedisValueKind.SavePoints:
                return SavePointsProblem(words);
            case RedisValueKind.OutputBufferLimits:
                return OutputBufferLimitsProblem(words);
            case RedisValueKind.OomScores:
                return words.Count == 3 && words.All(w => ParseInteger(w) is >= -2000 and <= 2000)
                    ? null
                    : "must be three integers from -2000 to 2000 (for masters, replicas and background children); write e.g. '0 200 800'";
            case RedisValueKind.Percentiles:
                return (words is [""] || words.All(w => double.TryParse(w, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100))
                    ? null
                    : "must be percentiles from 0 to 100 separated by spaces, or \"\"; write e.g. '50 99 99.9'";
            case RedisValueKind.Flags:
                return words.All(w => grammar.Choices!.Contains(w, StringComparer.OrdinalIgnoreCase))
                    ? null
                    : $"holds a word that is not one of {string.Join(", ", grammar.Choices!)}; write those only";
            case RedisValueKind.Rename:
                // The loader reads the two names itself, against the commands Redis and the lab have.
                return null;
        }
        if (words.Count != 1)
        {
            return $"is {words.Count} words, and Redis reads one value here; write one word, or quote it";
        }
        var word = words[0];
        switch (grammar.Kind)
        {
            case RedisValueKind.YesNo:
                if (word.Equals("yes", StringComparison.OrdinalIgnoreCase) || word.Equals("no", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
                if (YamlBoolean(word) is { } yesNo)
                {
                    rendered = yesNo;
                    return null;
                }
                return "is not yes or no; write \"yes\" or \"no\"";
            case RedisValueKind.Choice:
                if (grammar.Choices!.Contains(word, StringComparer.OrdinalIgnoreCase))
                {
                    return null;
                }
                if (YamlBoolean(word) is { } choice && grammar.Choices!.Contains(choice))
                {
                    rendered = choice;
                    return null;
                }
                return $"is not one of {string.Join(", ", grammar.Choices!)}; write one of them";
            case RedisValueKind.Integer:
                return ParseInteger(word) is { } number
                    ? number >= grammar.Min && number <= grammar.Max ? null : $"is out of range; write an integer from {grammar.Min} to {grammar.Max}"
                    : "is not an integer as Redis reads one; write digits only ('-' first for a negative one), without leading zeros";
            case RedisValueKind.Memory:
            case RedisValueKind.MemoryOrPercent:
                if (grammar.Kind == RedisValueKind.MemoryOrPercent && word.EndsWith('%'))
                {
                    return ParseInteger(word[..^1]) is >= 0 and <= 100 ? null : "is not a percentage of maxmemory; write one from 0% to 100%, e.g. 10%";
                }
                return ParseMemory(word) is { } bytes
                    ? bytes >= grammar.Min && bytes <= grammar.Max ? null : $"is out of range; write a size from {grammar.Min} bytes up"
                    : "is not a size as Redis reads one; write bytes, or digits with a unit b, k, kb, m, mb, g or gb (k = 1000, kb = 1024), e.g. 256mb" +
                      (grammar.Kind == RedisValueKind.MemoryOrPercent ? ", or a percentage such as 10%" : "");
            case RedisValueKind.FileName:
                return word.Length == 0 || word.Contains('/') || word is "." or ".."
                    ? "is not a file name; write a name without '/', e.g. dump.rdb (the file goes in the instance's folder, which the lab places)"
                    : null;
            case RedisValueKind.KeyspaceEvents:
                return word.All(c => "AgslhzxeKEtmdn$".Contains(c))
                    ? null
                    : "holds a letter that is no event class; use the letters of A g $ l s h z x e K E t m d n, e.g. Ex, or \"\"";
            default:
                return null;
        }
    }

    /// <summary>
    /// Why the lab refuses a value Redis would accept, because it would defeat the lab's failovers, probes or
    /// measurements; null when the lab can live with it.
    /// </summary>
    /// <param name="name">The canonical name.</param>
    /// <param name="value">The value as it will be written into redis.conf (a single word, except for repeatable directives).</param>
    /// <param name="fewestReplicas">The fewest replicas any shard has.</param>
    public static string? LabProblem(string name, string value, int fewestReplicas)
    {
        var word = value.ToLowerInvariant();
        switch (name)
        {
            case "maxmemory" when ParseMemory(word) is > 0 and < MinMaxMemory:
                return $"is below {MinMaxMemory / 1024 / 1024}mb: an empty Redis 7.0 already uses about 1 MB and its replication backlog 1 MB more, " +
                       "so the lab's load would be refused (noeviction) or evicted as it is written; write 0 (no limit) or at least " +
                       $"{MinMaxMemory / 1024 / 1024}mb";
            case "maxclients" when ParseInteger(word) < MinMaxClients:
                return $"is below {MinMaxClients}: the lab's own Sentinels (two connections each), replicas, proxies, health checks, " +
                       $"reconfig service, chaos and sample app connect to every instance; write at least {MinMaxClients}";
            case "min-replicas-to-write" when ParseInteger(word) > fewestReplicas:
                return $"is more than the {fewestReplicas} replica(s) of the smallest shard: that shard's master would refuse every write " +
                       $"even with all its replicas up; write at most {fewestReplicas}, or give every shard more replicas";
            case "replica-read-only" when word is "no" or "false":
                return "would let a replica take writes that its next resynchronisation erases silently, while the lab counts every " +
                       "acknowledged write as kept; remove it (replicas are read-only by default)";
            case "replica-priority" when ParseInteger(word) == 0:
                return "would tell Sentinel never to promote a replica, and redis_settings apply to every instance, so no shard " +
                       "could fail over; remove it, or write a positive priority (100 is Redis's default)";
            case "enable-debug-command" or "enable-module-command" or "enable-protected-configs" when word != "no":
                return "would let a client crash, stall or reconfigure an instance behind the lab's back (DEBUG, MODULE LOAD, " +
                       "CONFIG SET dir), which the lab would then report as a failure of its own; remove it (the default is no)";
            case "shutdown-on-sigterm" or "shutdown-on-sigint" when word != "default":
                return "would change what an instance does when the lab stops or restarts it (a signal): nosave loses the data a " +
                       "restart should keep, now and force skip waiting for replicas to catch up; remove it (Redis's own 'default' waits for " +
                       "replicas and saves as 'save' says)";
            case "client-output-buffer-limit":
                var words = Words(value) ?? [];
                for (var i = 0; i + 3 < words.Count; i += 4)
                {
                    var type = words[i].ToLowerInvariant();
                    if (type is "replica" or "slave" or "pubsub" &&
                        (ParseMemory(words[i + 1]) is > 0 and < MinLinkBufferLimit || ParseMemory(words[i + 2]) is > 0 and < MinLinkBufferLimit))
                    {
                        return $"limits the {type} class below 1mb: Sentinel's hello subscription (pubsub) or a replica's replication " +
                               "stream (replica) would be cut and reconnected over and over; write 0 (no limit) or at least 1mb";
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The words of a directive's value as Redis splits a redis.conf line (its <c>sdssplitargs</c>): runs of spaces
    /// between words; <c>"..."</c> with the escapes <c>\xHH</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>, <c>\a</c> and
    /// <c>\</c> before any other character; <c>'...'</c> with <c>\'</c> only; a quote may open in the middle of a word.
    /// Null where Redis would refuse the line: a quote left open, or one closed and followed by more than a space.
    /// </summary>
    public static List<string>? Words(string value)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && IsBlank(value[i]))
            {
                i++;
            }
            if (i == value.Length)
            {
                return words;
            }
            var word = new StringBuilder();
            char? quote = null;
            while (true)
            {
                if (quote is null)
                {
                    if (i == value.Length || IsBlank(value[i]))
                    {
                        break;
                    }
                    var c = value[i++];
                    if (c is '"' or '\'')
                    {
                        quote = c;
                    }
                    else
                    {
                        word.Append(c);
                    }
                    continue;
                }
                if (i == value.Length)
                {
                    return null;
                }
                var d = value[i];
                if (d == quote)
                {
                    i++;
                    if (i < value.Length && !IsBlank(value[i]))
                    {
                        return null;
                    }
                    break;
                }
                if (quote == '"' && d == '\\' && i + 3 < value.Length && value[i + 1] == 'x' && char.IsAsciiHexDigit(value[i + 2]) && char.IsAsciiHexDigit(value[i + 3]))
                {
                    word.Append((char)Convert.ToByte(value.Substring(i + 2, 2), 16));
                    i += 4;
                }
                else if (quote == '"' && d == '\\' && i + 1 < value.Length)
                {
                    word.Append(value[i + 1] switch
                    {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'b' => '\b',
                        'a' => '\a',
                        var other => other,
                    });
                    i += 2;
                }
                else if (quote == '\'' && d == '\\' && i + 1 < value.Length && value[i + 1] == '\'')
                {
                    word.Append('\'');
                    i += 2;
                }
                else
                {
                    word.Append(d);
                    i++;
                }
            }
            words.Add(word.ToString());
        }
    }

    /// <summary>
    /// YAML's own true and false (what <c>appendonly: false</c> is) as the yes or no they mean; null for other words.
    /// Redis itself reads only yes and no, and YAML 1.1's other booleans (on, off, y, n) are refused rather than guessed.
    /// </summary>
    private static string? YamlBoolean(string word) => word switch
    {
        "true" or "True" or "TRUE" => "yes",
        "false" or "False" or "FALSE" => "no",
        _ => null,
    };

    /// <summary>An integer as Redis's <c>string2ll</c> reads one: '-' at most, then digits without a leading zero; null otherwise.</summary>
    public static long? ParseInteger(string word) =>
        IntegerPattern().IsMatch(word) && long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// Bytes as Redis's <c>memtoull</c> reads a size (digits, then b, k, kb, m, mb, g or gb in any case), with no leading
    /// zero (Redis would read 0256mb as 256mb, a YAML 1.1 reader as octal); null otherwise or beyond a long.
    /// </summary>
    public static long? ParseMemory(string word)
    {
        var match = MemoryPattern().Match(word);
        if (!match.Success)
        {
            return null;
        }
        var unit = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" or "b" => 1L,
            "k" => 1000L,
            "kb" => 1024L,
            "m" => 1000L * 1000,
            "mb" => 1024L * 1024,
            "g" => 1000L * 1000 * 1000,
            _ => 1024L * 1024 * 1024,
        };
        var bytes = BigInteger.Parse(match.Groups["digits"].Value, CultureInfo.InvariantCulture) * unit;
        return bytes <= long.MaxValue ? (long)bytes : null;
    }

    private static string? SavePointsProblem(List<string> words)
    {
        if (words is [""])
        {
            return null;
        }
        return words.Count % 2 == 0 && words.All(w => ParseInteger(w) >= 0)
            ? null
            : "must be pairs of seconds and changes (whole numbers), or \"\" for no snapshots; write e.g. \"900 1\", one pair per item";
    }

    private static string? OutputBufferLimitsProblem(List<string> words)
    {
        if (words.Count == 0 || words.Count % 4 != 0)
        {
            return "must be a client class, a hard limit, a soft limit and seconds; write e.g. \"replica 256mb 64mb 60\"";
        }
        for (var i = 0; i < words.Count; i += 4)
        {
            if (words[i].ToLowerInvariant() is not ("normal" or "replica" or "slave" or "pubsub"))
            {
                return $"names class {YamlOutline.Shown(words[i])}; use normal, replica or pubsub, e.g. \"pubsub 32mb 8mb 60\"";
            }
            if (ParseMemory(words[i + 1]) is null || ParseMemory(words[i + 2]) is null || ParseInteger(words[i + 3]) is not >= 0)
            {
                return "must give the limits as sizes and the time in whole seconds; write e.g. \"replica 256mb 64mb 60\"";
            }
        }
        return null;
    }

    // sdssplitargs splits on isspace; the loader refuses every other control character before the value gets here.
    private static bool IsBlank(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';

    /// <summary>Edits from <paramref name="a"/> to <paramref name="b"/>: a letter added, removed or changed, or two neighbours swapped ('maxmemroy').</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(0|-?[1-9][0-9]{0,18})\z")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^(?<digits>0|[1-9][0-9]{0,18})(?<unit>[bB]|[kKmMgG][bB]?)?\z")]
    private static partial Regex MemoryPattern();
}
