using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary><c>wait_for_role: { target: original master of g1, role: replica }</c>: until the instance has that role (a replica: of the shard's current master, link up).</summary>
public sealed record WaitForRoleStep(int Line, FaultTarget Target, RedisRole Role, TimeSpan Timeout) : WaitingStep(Line, Timeout)
{
    internal static StepKind Definition { get; } = new("wait_for_role", (read, step) =>
    {
        var args = read.Arguments(step.Value, step.Item, step.Name, ["target", "role"], ["timeout"], "wait_for_role: { target: original master of g1, role: replica }");
        var target = args is null ? null : read.Target(args["target"], step.Item, step.Name, "target: original master of g1");
        var role = args is null ? null : read.Role(args["role"]);
        var timeout = read.Timeout(args);
        return target is null || role is null || timeout is null ? null : new WaitForRoleStep(step.Line, target, role.Value, timeout.Value);
    });

    private protected override StepKind Kind => Definition;

    /// <inheritdoc />
    public override string Text => Written($"target: {Target}", $"role: {RoleName}");

    private string RoleName => Role.ToString().ToLowerInvariant();

    internal override void Check(StepChecks checks) => checks.RedisInstance(this, Target);

    internal override async Task<string> RunAsync(PlaybookRun run, CancellationToken cancellationToken)
    {
        var lab = run.Lab;
        var instance = await lab.Targets.RedisInstanceAsync(Target);
        var shard = lab.Shard(instance.ShardName);
        await PlaybookRun.Until(async () =>
        {
            var info = await RedisProbe.ReplicationAsync(instance, lab.Endpoints, lab.Password);
            if (Role == RedisRole.Master)
            {
                return info.IsMaster ? null : $"{instance.Name} is {info}";
            }
            var master = await lab.Masters.OfAsync(shard);
            return master.Instance is not null && info.IsReplicaOf(master.Instance) ? null : $"{instance.Name} is {info}; the current master is {master}";
        }, Timeout, $"{instance.Name} to be a {RoleName}", cancellationToken);
        return $"{instance.Name} is a {RoleName}";
    }
}
