using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>
/// The running lab as host code sees it through its clients: the inventory, the password, where each instance answers
/// (the site's <see cref="Endpoints"/>), the Sentinels' view and who masters each shard. What probes, the write load
/// and convergence need; the faults' <c>ChaosLab</c> is one with the Docker side added.
/// </summary>
public class LabView
{
    /// <summary>The lab of <paramref name="inventory"/> on the site whose addresses are <paramref name="endpoints"/>.</summary>
    /// <param name="inventory">The lab's inventory: which instances exist, on which nodes, in which shards.</param>
    /// <param name="password">
    /// The lab's password when its inventory turns authentication on (from the host: the AppHost's parameter, or what a
    /// test started the lab with), else null.
    /// </param>
    /// <param name="endpoints">Where host code reaches the lab: <see cref="LabEndpoints.Aspire"/> for the Aspire lab.</param>
    public LabView(Inventory inventory, string? password, LabEndpoints endpoints)
    {
        if ((inventory.Authentication == LabAuthentication.Password) != (password is not null))
        {
            throw new ChaosException(inventory.Authentication == LabAuthentication.Password
                ? $"{Path.GetFileName(inventory.SourceFile)} turns authentication on: give chaos the lab's password"
                : $"{Path.GetFileName(inventory.SourceFile)} has no authentication: give chaos no password");
        }
        Inventory = inventory;
        Password = password;
        Endpoints = endpoints;
        Sentinels = new SentinelView(inventory, password, endpoints);
        Masters = new ShardMasters(Sentinels);
    }

    /// <summary>The lab's inventory.</summary>
    public Inventory Inventory { get; }

    /// <summary>The lab's password, null when it has no authentication.</summary>
    public string? Password { get; }

    /// <summary>Where host code reaches each instance and the front door on this lab's site.</summary>
    public LabEndpoints Endpoints { get; }

    /// <summary>The Sentinels' view: masters by majority, manual failover, announcements.</summary>
    public SentinelView Sentinels { get; }

    /// <summary>Who masters each shard now: the one rule every step that asks uses.</summary>
    public ShardMasters Masters { get; }
}
