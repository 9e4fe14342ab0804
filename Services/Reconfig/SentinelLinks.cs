using Microsoft.Extensions.Logging;
using RedisHaLab.Topology;

namespace RedisHaLab.Reconfig;

/// <summary>Every Sentinel of the inventory, each with its own <see cref="SentinelLink"/>: one down never silences the others.</summary>
internal sealed class SentinelLinks(Inventory inventory, ILoggerFactory loggerFactory)
{
    private readonly IReadOnlyList<SentinelLink> _links =
        inventory.Sentinels.Instances.Select(s => new SentinelLink(s, loggerFactory.CreateLogger<SentinelLink>())).ToList();

    /// <summary>How many Sentinels the inventory has, reachable or not: the base of every majority.</summary>
    public int Count => _links.Count;

    /// <summary>Runs every link until <paramref name="cancellationToken"/> fires; see <see cref="SentinelLink.RunAsync"/>.</summary>
    public Task RunAsync(Action<SentinelLink, string> onMessage, Action<SentinelLink> onConnected, CancellationToken cancellationToken) =>
        Task.WhenAll(_links.Select(l => l.RunAsync(onMessage, onConnected, cancellationToken)));

    /// <summary>Completes when every Sentinel has been tried once, so a first reconcile asks connected Sentinels, not empty links.</summary>
    public Task FirstAttempts => Task.WhenAll(_links.Select(l => l.FirstAttempt));

    /// <summary>Asks every Sentinel, all at once, for the master of <paramref name="masterName"/>.</summary>
    public async Task<IReadOnlyList<SentinelAnswer>> AskMasterAsync(string masterName) =>
        await Task.WhenAll(_links.Select(l => l.AskMasterAsync(masterName)));
}
