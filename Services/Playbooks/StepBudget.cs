using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// The longest each playbook step may take, from the bounds of the code that runs it (its timeout, its retries, its
/// clients' timeouts), so that a playbook's windows (a forged announcement's) and its 10 minutes can be checked before
/// the lab starts. No step counts as nothing: a Docker request or a client's round trip has its bound here too.
/// </summary>
public static class StepBudget
{
    /// <summary>The longest a playbook may run: the runner cancels it past this, and the validator refuses one that may take longer.</summary>
    public static readonly TimeSpan PlaybookWithin = TimeSpan.FromMinutes(10);

    /// <summary>
    /// One request to the local Docker engine (a signal, a pause, a network change, a look at a container's state),
    /// which has no bound of its own: the engine answers in milliseconds; this allows a loaded 2-core machine.
    /// </summary>
    public static readonly TimeSpan DockerRequest = TimeSpan.FromSeconds(2);

    /// <summary>A container started again: Docker's start, the process up, its network attached (the lab's data sets are small).</summary>
    public static readonly TimeSpan ContainerStart = TimeSpan.FromSeconds(15);

    /// <summary>One round trip of a quick client (a Redis instance or a Sentinel asked directly).</summary>
    internal static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(LabClients.QuickMilliseconds);

    /// <summary>One round trip through the front door.</summary>
    internal static readonly TimeSpan ProxyRoundTrip = TimeSpan.FromMilliseconds(LabClients.ProxyMilliseconds);

    /// <summary>
    /// The longest <paramref name="step"/> may take on the lab of <paramref name="inventory"/>, never zero; for
    /// <c>heal_all</c>, with the faults <paramref name="standing"/> before it (what it has to undo). Each step owns its
    /// bound (<see cref="ScenarioStep.WorstCase"/>).
    /// </summary>
    public static TimeSpan WorstCase(ScenarioStep step, Inventory inventory, IReadOnlyCollection<FaultStep>? standing = null) =>
        step.WorstCase(inventory, standing ?? []);
}
