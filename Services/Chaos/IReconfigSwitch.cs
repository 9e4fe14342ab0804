namespace RedisHaLab.Chaos;

/// <summary>
/// Stops and starts the reconfig service. It is a process Aspire runs on the host, not a container, so Docker cannot
/// reach it: whoever hosts the lab (the AppHost, a test through Aspire's resource commands) supplies the switch.
/// </summary>
public interface IReconfigSwitch
{
    /// <summary>Stops the service and returns once it has stopped; does nothing when it is already stopped.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Starts the service and returns once it runs; does nothing when it already runs.</summary>
    Task StartAsync(CancellationToken cancellationToken);
}
