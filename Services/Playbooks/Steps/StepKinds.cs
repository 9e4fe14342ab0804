
namespace RedisHaLab.Playbooks;

/// <summary>
/// Every kind of step a playbook may use. The loader reads a step by its name here; the validator, the worst-case
/// budget and the runner ask the step itself. A new step is one file in this folder (its record with its
/// <see cref="StepKind"/>), one line in <see cref="All"/>, its tests and its line in docs/chaos-and-playbooks.md's list of steps.
/// </summary>
public static class StepKinds
{
    /// <summary>Every kind, in the order an unknown step's error lists their names.</summary>
    internal static IReadOnlyList<StepKind> All { get; } =
    [
        WriteKeysStep.Definition, StartLoadStep.Definition, StopLoadStep.Definition, FaultStep.Definition, ManualFailoverStep.Definition,
        WaitStep.Definition, WaitForFailoverStep.Definition, WaitForRoleStep.Definition, HealAllStep.Definition, ForgeMasterStep.Definition,
        RestoreMasterStep.Definition, AssertKeysReadableStep.Definition, AssertWritesSucceedStep.Definition, AssertProxyPointsAtMasterStep.Definition,
        AssertProxyNeverWentBackStep.Definition, SwitchoverStep.Definition, AssertNoAcknowledgedWriteLostStep.Definition,
        AssertNoWriteFailedStep.Definition, AssertAcknowledgedWritesLostStep.Definition, AssertEveryConnectionServedStep.Definition,
        WaitForRotationStep.Definition,
    ];

    /// <summary>Every step name a playbook may use, in the order errors list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.SelectMany(k => k.Names)];

    /// <summary>The kind each name means (a name given twice would mean its first kind; a test refuses that).</summary>
    internal static IReadOnlyDictionary<string, StepKind> ByName { get; } =
        All.SelectMany(k => k.Names.Select(name => (Name: name, Kind: k))).DistinctBy(p => p.Name).ToDictionary(p => p.Name, p => p.Kind);

    /// <summary>
    /// What the runner does at a playbook's end, however it ended, with what steps left standing, in this order: a forged
    /// master destroys a shard's data within seconds, so it is undone before the load is stopped and counted.
    /// </summary>
    internal static IReadOnlyList<Func<PlaybookRun, Task>> UndoLeftStanding { get; } =
        [ForgeMasterStep.RestoreLeftStandingAsync, StartLoadStep.StopAndCountLeftStandingAsync];
}
