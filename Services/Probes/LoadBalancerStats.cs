using RedisHaLab.Topology;

namespace RedisHaLab.Probes;

/// <summary>One proxy as the load balancer sees it: HAProxy's status word (<c>UP</c>, <c>DOWN</c>, <c>UP 1/2</c>, <c>MAINT</c>...) and its last check.</summary>
public sealed record RotationState(string Proxy, string Status, string LastCheck)
{
    /// <summary>
    /// True when the balancer sends new connections to it: <c>UP</c>, and <c>UP 1/2</c> too (a failed check on its way
    /// down still gets traffic, as a run showed); <c>DOWN 1/2</c> (on its way up) does not.
    /// </summary>
    public bool InRotation => Status.StartsWith("UP", StringComparison.Ordinal);

    /// <summary>True when it is fully up (<c>UP</c>): what a wait for a proxy back in rotation waits for.</summary>
    public bool IsUp => Status == "UP";

    /// <inheritdoc />
    public override string ToString() => $"{Proxy} {Status}{(LastCheck.Length > 0 ? $" ({LastCheck})" : "")}";
}

/// <summary>
/// Reads which proxies the load balancer has in rotation, from its stats page on loopback (<c>;csv</c>, HAProxy's own
/// machine-readable form). The load balancer's word on its own state, for waits; whether traffic is served right is
/// judged by data (<see cref="FrontDoorSpread"/>).
/// </summary>
public static class LoadBalancerStats
{
    /// <summary>The backend holding the proxies in the rendered config.</summary>
    public const string Backend = "proxies";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Each proxy's state, in the order of the stats page.</summary>
    /// <exception cref="ChaosException">The stats page does not answer.</exception>
    public static async Task<IReadOnlyList<RotationState>> ReadAsync(LoadBalancer balancer, CancellationToken cancellationToken)
    {
        string csv;
        try
        {
            csv = await Http.GetStringAsync(new Uri(LabEndpoints.StatsPage(balancer), ";csv"), cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ChaosException($"the load balancer's stats page {LabEndpoints.StatsPage(balancer)} does not answer: {e.Message}");
        }
        return Parse(csv);
    }

    /// <summary>Reads HAProxy's CSV (a header line starting <c># </c>, then one line per proxy, backend or frontend).</summary>
    public static IReadOnlyList<RotationState> Parse(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("# ", StringComparison.Ordinal))
        {
            throw new ChaosException("the load balancer's stats are not HAProxy's CSV (no '# pxname,...' header)");
        }
        var header = lines[0][2..].Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new ChaosException($"the load balancer's stats have no '{name}' column");
        var (pxname, svname, status, checkStatus) = (Column("pxname"), Column("svname"), Column("status"), Column("check_status"));
        return lines.Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f.Length > checkStatus && f[pxname] == Backend && f[svname] is not ("BACKEND" or "FRONTEND"))
            .Select(f => new RotationState(f[svname], f[status], f[checkStatus]))
            .ToList();
    }
}
