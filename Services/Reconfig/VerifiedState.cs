using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace RedisHaLab.Reconfig;

/// <summary>
/// What the service verified, kept beside the proxy's running report (<c>redis_14555.verified.json</c>): by shard, the
/// master the proxy was set to, the config epoch that ordered it and its replication ID. A restarted service starts
/// from it, so it still knows the history a claim must continue, with or without a Sentinel majority to ask.
/// </summary>
internal sealed class VerifiedState(IProxySide proxy, ILogger<VerifiedState> logger)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>What an earlier run kept; empty when there is nothing, or nothing readable (logged).</summary>
    public async Task<IReadOnlyDictionary<string, AppliedMaster>> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var text = await proxy.ReadVerifiedAsync(cancellationToken);
            if (text is null)
            {
                return new Dictionary<string, AppliedMaster>();
            }
            return JsonSerializer.Deserialize<Dictionary<string, AppliedMaster>>(text) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            logger.LogWarning("Cannot read what an earlier run verified ({Reason}); starting from the Sentinels and the instances alone", e.Message);
            return new Dictionary<string, AppliedMaster>();
        }
    }

    /// <summary>Keeps <paramref name="applied"/>; a failed write is logged and tried again at the next change.</summary>
    public async Task SaveAsync(IReadOnlyDictionary<string, AppliedMaster> applied, CancellationToken cancellationToken)
    {
        try
        {
            await proxy.WriteVerifiedAsync(JsonSerializer.Serialize(applied, Json), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot keep what was verified ({Reason}); a restart of this service would start without it", e.Message);
        }
    }
}
