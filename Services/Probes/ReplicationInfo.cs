using System.Globalization;

namespace RedisHaLab.Probes;

/// <summary>What a Redis instance says about its role (<c>INFO replication</c>), or why it said nothing.</summary>
/// <param name="Role"><c>master</c> or <c>slave</c>, as Redis words it; empty when it did not answer.</param>
/// <param name="MasterHost">For a replica, the host it replicates from (a container name in this lab).</param>
/// <param name="MasterPort">For a replica, its master's port.</param>
/// <param name="LinkUp">For a replica, whether its link to the master is up.</param>
/// <param name="Offset">The replication offset: a master's <c>master_repl_offset</c>, a replica's <c>slave_repl_offset</c>.</param>
/// <param name="Problem">Why there is no answer; null when there is one.</param>
public sealed record ReplicationInfo(string Role, string? MasterHost, int MasterPort, bool LinkUp, long Offset, string? Problem)
{
    /// <summary>True when the instance answered.</summary>
    public bool Answered => Problem is null;

    /// <summary>True when it answered as a master.</summary>
    public bool IsMaster => Answered && Role == "master";

    /// <summary>An instance that did not answer.</summary>
    public static ReplicationInfo Unreachable(string problem) => new("", null, 0, false, 0, problem);

    /// <summary>Reads the fields of <c>INFO replication</c>.</summary>
    public static ReplicationInfo FromInfo(IReadOnlyDictionary<string, string> info)
    {
        var role = info.GetValueOrDefault("role", "");
        var offset = role == "master" ? info.GetValueOrDefault("master_repl_offset") : info.GetValueOrDefault("slave_repl_offset");
        return new ReplicationInfo(
            role,
            info.GetValueOrDefault("master_host"),
            int.TryParse(info.GetValueOrDefault("master_port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0,
            info.GetValueOrDefault("master_link_status") == "up",
            long.TryParse(offset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0,
            null);
    }

    /// <summary>True when it is a replica of <paramref name="master"/> with its link up.</summary>
    public bool IsReplicaOf(Topology.RedisInstance master) =>
        Answered && Role == "slave" && LinkUp && MasterPort == master.Port &&
        string.Equals(MasterHost, master.Name, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => !Answered ? $"no answer ({Problem})"
        : Role == "master" ? $"master at offset {Offset}"
        : $"replica of {MasterHost}:{MasterPort}, link {(LinkUp ? "up" : "down")}, offset {Offset}";
}
