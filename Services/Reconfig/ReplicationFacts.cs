using System.Globalization;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>
/// What a Redis instance says of itself in <c>INFO replication</c>: the data-plane facts a claim is judged on, which no
/// Sentinel (lagging, rebuilt, forged) can change.
/// </summary>
/// <param name="Role"><c>master</c> or <c>slave</c>, as Redis says it.</param>
/// <param name="Follows">For a replica, the instance of its shard it replicates (null: none of the shard, or not said).</param>
/// <param name="LinkUp">For a replica, whether its link to that master is up (<c>master_link_status:up</c>).</param>
/// <param name="ReplId">Its replication ID: a master's own; a replica's is its master's.</param>
/// <param name="ReplId2">The replication ID it had before it was last promoted (<c>master_replid2</c>); all zeros when never.</param>
internal sealed record ReplicationFacts(string Role, RedisInstance? Follows, bool LinkUp, string? ReplId, string? ReplId2)
{
    /// <summary>The ID Redis gives as <c>master_replid2</c> when there was no earlier history.</summary>
    public const string NoHistory = "0000000000000000000000000000000000000000";

    /// <summary>True when it says it is a master.</summary>
    public bool IsMaster => Role == "master";

    /// <summary>True when it is a replica of <paramref name="master"/> with the link up.</summary>
    public bool IsLinkedReplicaOf(RedisInstance master) => Role == "slave" && LinkUp && Follows == master;

    /// <summary>
    /// True when this instance was promoted from following the history <paramref name="replId"/>: on promotion Redis
    /// keeps the ID it had as a replica (its old master's) as <c>master_replid2</c>, so a promoted replica names the
    /// master it took over from.
    /// </summary>
    public bool Succeeded(string? replId) => replId is not null && replId != NoHistory && ReplId2 == replId;

    /// <summary>
    /// Reads <c>INFO replication</c> text. <paramref name="follows"/> maps the reported <c>master_host</c>/<c>master_port</c>
    /// to an instance of the shard (null when it is none). Null when the text says no role.
    /// </summary>
    public static ReplicationFacts? Parse(string info, Func<string, int, RedisInstance?> follows)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                fields[line[..colon]] = line[(colon + 1)..].TrimEnd('\r');
            }
        }
        if (!fields.TryGetValue("role", out var role))
        {
            return null;
        }
        RedisInstance? master = null;
        if (role == "slave" && fields.TryGetValue("master_host", out var host) && fields.TryGetValue("master_port", out var portText) &&
            int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            master = follows(host, port);
        }
        return new ReplicationFacts(role, master, fields.GetValueOrDefault("master_link_status") == "up",
            fields.GetValueOrDefault("master_replid"), fields.GetValueOrDefault("master_replid2"));
    }

    /// <inheritdoc />
    public override string ToString() => Role == "slave"
        ? $"replica of {Follows?.Name ?? "an instance of no shard"}, link {(LinkUp ? "up" : "down")}"
        : Role;
}
