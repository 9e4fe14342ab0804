using System.Text;
using System.Text.RegularExpressions;

namespace RedisHaLab.Topology;

/// <summary>
/// What an inventory's <c>redis_settings</c> may hold: redis.conf directives that tune Redis, never ones that would
/// move, hide, lock or rewire an instance behind the lab's back. Redis reads directive names in any case, so they are
/// compared here in lower case: <c>PORT</c> is <c>port</c>.
/// </summary>
public static partial class RedisDirectives
{
    private const string Placement = "the lab sets it for each instance from the shards and nodes";

    private const string Replication = "replication is the lab's: it points each replica at its shard's master and names it to Sentinel, " +
                                       "and Sentinel moves them on failover";

    private const string Login = "a password or an ACL here locks out the lab's Sentinels, proxy, health checks and reconfig service, " +
                                 "which log in as the lab configures them";

    private static readonly Dictionary<string, string> Refused = new()
    {
        ["port"] = Placement,
        ["bind"] = Placement,
        ["dir"] = Placement,
        ["daemonize"] = Placement,
        ["pidfile"] = Placement,
        ["logfile"] = Placement,
        ["protected-mode"] = Placement,
        ["include"] = "it would read settings from a file the lab never checks; write them here instead",
        ["replicaof"] = Replication,
        ["slaveof"] = Replication,
        ["replica-announce-ip"] = Replication,
        ["replica-announce-port"] = Replication,
        ["slave-announce-ip"] = Replication,
        ["slave-announce-port"] = Replication,
        ["replica-announced"] = Replication,
        ["slave-announced"] = Replication,
        ["masterauth"] = "the lab sets 'masterauth' itself: replicas log in to their master as the lab's own authentication says",
        ["masteruser"] = "the lab sets 'masteruser' itself: replicas log in to their master as the lab's own authentication says",
        ["requirepass"] = Login,
        ["user"] = Login,
        ["aclfile"] = Login,
        ["sentinel"] = "Sentinel's settings belong under 'sentinels:', and redis-server refuses them",
    };

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

    /// <summary>Why <c>redis_settings</c> may not set <paramref name="directive"/>, in any case; null when it may.</summary>
    public static string? WhyRefused(string directive)
    {
        var name = directive.ToLowerInvariant();
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

    /// <summary>True for a name written as redis.conf writes directives: lower-case letters, digits and '-'.</summary>
    public static bool IsWellFormed(string directive) => NamePattern().IsMatch(directive);

    /// <summary>
    /// The words of a directive's value as Redis splits a redis.conf line: runs of spaces between them, <c>"..."</c> (with
    /// backslash escapes) and <c>'...'</c> quoting; null where Redis would refuse the line (a quote left open, or one
    /// closed and followed by more than a space).
    /// </summary>
    public static List<string>? Words(string value)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }
            if (i == value.Length)
            {
                return words;
            }
            var word = new StringBuilder();
            var quote = value[i] is '"' or '\'' ? value[i++] : (char?)null;
            while (true)
            {
                if (i == value.Length)
                {
                    if (quote is not null)
                    {
                        return null;
                    }
                    break;
                }
                var c = value[i++];
                if (quote is null && c == ' ')
                {
                    break;
                }
                if (quote is not null && c == quote)
                {
                    if (i < value.Length && value[i] != ' ')
                    {
                        return null;
                    }
                    break;
                }
                if (c == '\\' && quote is not null && i < value.Length)
                {
                    c = value[i++];
                }
                word.Append(c);
            }
            words.Add(word.ToString());
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\z")]
    private static partial Regex NamePattern();
}
