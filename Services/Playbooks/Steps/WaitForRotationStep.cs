using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// <c>wait_for_rotation: { proxy: proxy on node24, state: out }</c>: until the load balancer has the proxy in rotation
/// (<c>in</c>) or out of it (<c>out</c>), by its stats page.
/// </summary>
public sealed record WaitForRotationStep(int Line, FaultTarget Proxy, bool InRotation, TimeSpan Timeout) : WaitingStep(Line, Timeout)
{
    internal static StepKind Definition { get; } = new("wait_for_rotation", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["proxy", "state"], ["timeout"], "wait_for_rotation: { proxy: proxy on node24, state: in }");
        var proxy = args is null ? null : read.Target(args["proxy"], step.Item, step.Name, "proxy: proxy on node24");
        var state = args is null ? null : read.Text(args["state"], "state");
        if (state is not null and not ("in" or "out"))
        {
            read.Problem(args!["state"], $"wait_for_rotation state '{state}' is unknown; use 'in' (the load balancer sends it new clients) or 'out'");
            state = null;
        }
        var timeout = read.Timeout(args);
        return proxy is null || state is null || timeout is null ? null : new WaitForRotationStep(step.Line, proxy, state == "in", timeout.Value);
    });

    private protected override StepKind Kind => Definition;

    /// <inheritdoc />
    public override string Text => Written($"proxy: {Proxy}", $"state: {(InRotation ? "in" : "out")}");

    internal override void Check(StepChecks checks)
    {
        if (Proxy is not FaultTarget.ProxyOn)
        {
            checks.Problem(this, $"'{Proxy}' is not a proxy on a node; write e.g. 'proxy: proxy on {checks.Inventory.Proxy.Node.Name}'");
        }
        else if (checks.Inventory.LoadBalancer is null)
        {
            checks.Problem(this, $"{checks.InventoryName} has no load balancer to have proxies in rotation; use an inventory with 'load_balancer:' (e.g. post-2016-proxy-ha.yml)");
        }
        else
        {
            checks.Target(this, Proxy);
        }
    }

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var proxy = (await lab.Targets.ContainersAsync(Proxy)).Single();
        IReadOnlyList<RotationState> states = [];
        await PlaybookRun.Until(async () =>
        {
            states = await LoadBalancerStats.ReadAsync(lab.Inventory.LoadBalancer!, cancellationToken);
            var state = states.FirstOrDefault(s => s.Proxy == proxy);
            // In: fully up. Out: no new connections at all (a proxy one failed check away from down still gets them).
            return state is not null && (InRotation ? state.IsUp : !state.InRotation) ? null : $"the load balancer has {string.Join(", ", states)}";
        }, Timeout, $"{proxy} {(InRotation ? "in" : "out of")} rotation", cancellationToken);
        return string.Join(", ", states);
    }
}
