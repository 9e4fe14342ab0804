using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    // redis_settings: the directives every Redis gets, checked against Redis 7.0's grammar.
    private sealed partial class Validation
    {
        /// <summary>
        /// Every directive checked against Redis 7.0's grammar (<see cref="RedisDirectives"/>): a name Redis knows, in lower
        /// case, given once (an alias and its new name are one directive), none the lab owns, each value on one line and of
        /// the kind Redis reads, and none that defeats the lab's failovers, probes or measurements.
        /// </summary>
        private List<RedisSetting> BuildRedisSettings(Dictionary<string, object?>? section, List<Shard> shards)
        {
            var result = new List<RedisSetting>();
            var seen = new Dictionary<string, string>();
            var renamed = new HashSet<string>(StringComparer.Ordinal);
            // Without shards (already a problem of its own) no count of replicas is wrong.
            var fewestReplicas = shards.Count == 0 ? int.MaxValue : shards.Min(s => s.Replicas.Count);
            foreach (var (directive, value) in section ?? [])
            {
                string[] at = ["redis_settings", directive];
                if (RedisDirectives.WhyRefused(directive) is { } reason)
                {
                    Problem(at, $"redis_settings may not set {Shown(directive)}: {reason}; remove it");
                    continue;
                }
                var lower = directive.ToLowerInvariant();
                if (!RedisDirectives.IsWellFormed(directive))
                {
                    Problem(at, RedisDirectives.IsWellFormed(lower)
                        ? $"redis_settings directive {Shown(directive)} is not a redis.conf directive name as the lab writes them; write {Shown(lower)}, in lower case"
                        : $"redis_settings directive {Shown(directive)} is not a redis.conf directive name; use lower-case letters, digits, '-' and '_', e.g. maxmemory-policy");
                    continue;
                }
                var grammar = RedisDirectives.GrammarOf(directive);
                if (grammar is null && !RedisDirectives.IsIgnored(directive))
                {
                    Problem(at, RedisDirectives.Nearest(directive) is { } nearest
                        ? $"redis_settings {Shown(directive)} is not a Redis {RedisDirectives.RedisVersion} directive; did you mean {Shown(nearest)}?"
                        : $"redis_settings {Shown(directive)} is not a Redis {RedisDirectives.RedisVersion} directive; check its spelling against " +
                          "the redis.conf of Redis 7.0 (the lab runs redis-server 7.0.15), or remove it");
                    continue;
                }
                var canonical = RedisDirectives.Canonical(directive);
                if (seen.TryGetValue(canonical, out var first))
                {
                    Problem(at, $"redis_settings {Shown(directive)} and {Shown(first)} are one directive (Redis {RedisDirectives.RedisVersion} reads " +
                                $"{Shown(directive == canonical ? first : directive)} as {Shown(canonical)}); keep one of them, written {Shown(canonical)}");
                    continue;
                }
                seen[canonical] = directive;
                if (value is List<object?> && grammar is { Repeats: false })
                {
                    Problem(at, $"redis_settings {Shown(directive)} takes one value, not a list (Redis would keep only the last line); " +
                                $"write it as '{directive}: <value>'");
                    continue;
                }
                List<(string Text, string[] At, string What)>? values = value switch
                {
                    string s => [(s, at, $"{Shown(directive)} value")],
                    null => [("", at, $"{Shown(directive)} value")],
                    List<object?> list => ListValues(directive, at, list),
                    _ => null,
                };
                if (values is null)
                {
                    Problem(at, $"redis_settings {Shown(directive)} must be a value or a list of values, not a mapping; " +
                                "write e.g. 'maxmemory: 256mb' or 'save: [\"900 1\", \"300 10\"]'");
                    continue;
                }
                foreach (var (text, valueAt, what) in values)
                {
                    if (HasControlCharacters(text))
                    {
                        Problem(valueAt, $"redis_settings {what} {Shown(text)} holds a line break or another control character; " +
                                         "write the value on one line (redis.conf reads each line as a directive)");
                        continue;
                    }
                    var rendered = text;
                    if (grammar is not null)
                    {
                        if (RedisDirectives.ValueProblem(grammar, text, out rendered) is { } problem)
                        {
                            Problem(valueAt, $"redis_settings {what} {Shown(text)} {problem}");
                            continue;
                        }
                        if (RedisDirectives.LabProblem(canonical, rendered, fewestReplicas) is { } labProblem)
                        {
                            Problem(valueAt, $"redis_settings {what} {Shown(text)} {labProblem}");
                            continue;
                        }
                        if (grammar.Kind == RedisValueKind.Rename)
                        {
                            CheckRename(valueAt, text, renamed);
                        }
                    }
                    result.Add(new RedisSetting(directive, rendered));
                }
            }
            return result;
        }

        /// <summary>The items of a directive that repeats (<c>save</c>); an empty item or one that is not a single value is a problem.</summary>
        private List<(string Text, string[] At, string What)> ListValues(string directive, string[] at, List<object?> list)
        {
            var values = new List<(string, string[], string)>();
            for (var index = 0; index < list.Count; index++)
            {
                string[] itemAt = [.. at, Item(index)];
                switch (list[index])
                {
                    case string text:
                        values.Add((text, itemAt, $"{Shown(directive)} item {index + 1}"));
                        break;
                    case null:
                        Problem(itemAt, $"redis_settings {Shown(directive)} item {index + 1} is empty; write \"\" for an empty value, or remove the item");
                        break;
                    default:
                        Problem(itemAt, $"redis_settings {Shown(directive)} item {index + 1} must be a single value, not a list or a mapping; " +
                                        "write it as one quoted string, e.g. \"300 10\"");
                        break;
                }
            }
            return values;
        }

        /// <summary>
        /// One <c>rename-command</c>, read as Redis reads it (quotes and <c>\x</c> escapes decoded, names in any case): a
        /// Redis 7.0 command not renamed before, to a name no command has, and neither of them one the lab sends.
        /// </summary>
        private void CheckRename(string[] at, string value, HashSet<string> renamed)
        {
            var words = RedisDirectives.Words(value);
            if (words is not { Count: 2 })
            {
                Problem(at, $"redis_settings rename-command {Shown(value)} must name a command and its new name; write e.g. 'rename-command: FLUSHALL \"\"' (\"\" disables it)");
                return;
            }
            var (command, newName) = (words[0].ToUpperInvariant(), words[1].ToUpperInvariant());
            // Quotes and escapes can hide a name ('"CON\x46IG"' is CONFIG): say what Redis makes of it.
            var written = value.TrimStart(' ').Split(' ')[0];
            var decoded = written == words[0] ? "" : $" (Redis reads {Shown(written)} as {Shown(words[0])})";
            foreach (var needed in new[] { command, newName }.Where(RedisDirectives.CommandsTheLabNeeds.Contains).Distinct())
            {
                Problem(at, $"redis_settings rename-command {Shown(value)} touches {needed}{(needed == command ? decoded : "")}: the lab relies on {needed}, " +
                            "as Sentinel, replication, the proxy, the reconfig service, chaos or the tests send it; rename only other commands, " +
                            "e.g. 'rename-command: FLUSHALL \"\"'");
                return;
            }
            if (!RedisDirectives.Commands.Contains(command))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {Shown(words[0])} is not a Redis {RedisDirectives.RedisVersion} command " +
                            "(redis-server would exit at start); name a command such as FLUSHALL, KEYS or DEBUG");
            }
            else if (!renamed.Add(command))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {command} is already renamed above (Redis would no longer find it); rename each command once");
            }
            else if (newName.Length > 0 && RedisDirectives.Commands.Contains(newName))
            {
                Problem(at, $"redis_settings rename-command {Shown(value)}: {newName} is already a Redis command (redis-server would exit at start); " +
                            "choose a new name no command has, or \"\" to disable it");
            }
        }
    }
}
