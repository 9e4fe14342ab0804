namespace RedisHaLab.Topology;

/// <summary>What a directive's value must look like for Redis 7.0 to read it.</summary>
public enum RedisValueKind
{
    /// <summary><c>yes</c> or <c>no</c>, in any case.</summary>
    YesNo,

    /// <summary>One word of <see cref="RedisDirectiveGrammar.Choices"/>, in any case.</summary>
    Choice,

    /// <summary>One or more words of <see cref="RedisDirectiveGrammar.Choices"/>, in any case (flags such as <c>nosave now</c>).</summary>
    Flags,

    /// <summary>An integer as Redis's <c>string2ll</c> reads it: no sign but '-', no leading zero, within the range.</summary>
    Integer,

    /// <summary>Bytes, with an optional unit b, k, kb, m, mb, g or gb (k = 1000, kb = 1024), within the range.</summary>
    Memory,

    /// <summary>A <see cref="Memory"/> value, or a percentage of maxmemory written <c>N%</c>.</summary>
    MemoryOrPercent,

    /// <summary>One word of free text.</summary>
    Text,

    /// <summary>One word naming a file inside the instance's folder (Redis refuses a path).</summary>
    FileName,

    /// <summary><c>save</c>: pairs of seconds and changes, or <c>""</c> for no snapshots.</summary>
    SavePoints,

    /// <summary><c>client-output-buffer-limit</c>: groups of class, hard limit, soft limit and seconds.</summary>
    OutputBufferLimits,

    /// <summary><c>oom-score-adj-values</c>: three integers from -2000 to 2000.</summary>
    OomScores,

    /// <summary><c>notify-keyspace-events</c>: letters of the event classes, or <c>""</c>.</summary>
    KeyspaceEvents,

    /// <summary><c>latency-tracking-info-percentiles</c>: numbers from 0 to 100, or <c>""</c>.</summary>
    Percentiles,

    /// <summary><c>rename-command</c>: a command and its new name (<c>""</c> disables it).</summary>
    Rename,

    /// <summary>Anything: the directive is refused whatever its value.</summary>
    Refused,
}

/// <summary>One directive of Redis 7.0's grammar: its canonical name, the kind of value it takes and the bounds.</summary>
/// <param name="Repeats">True where redis.conf may give it on several lines (a YAML list here), each adding to the last.</param>
public sealed record RedisDirectiveGrammar(
    string Name,
    RedisValueKind Kind,
    long Min = 0,
    long Max = long.MaxValue,
    IReadOnlyList<string>? Choices = null,
    bool Repeats = false);
