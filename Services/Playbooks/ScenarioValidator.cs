using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.Playbooks;

/// <summary>
/// Checks a loaded scenario against the lab it will run on and against itself: each step what it alone needs of the
/// inventory (<see cref="ScenarioStep.Check"/>: every shard and node it names exists, a step that needs one Redis instance
/// names one, a load runs only where it can place its keys), and here, across steps: the load is started once and stopped before the end, every
/// forged announcement is undone soon enough and the whole fits 10 minutes (each step at its worst, <see cref="StepBudget"/>),
/// no instance is isolated twice, the playbook asserts something (a file without a check passes whatever
/// happens), and every fault is undone by its end unless <c>left_in_place:</c> says so. Every problem at once.
/// </summary>
public static class ScenarioValidator
{
    /// <summary>
    /// The most the steps between a <c>forge_master</c> and its <c>restore_master</c> may take, waits and timeouts added
    /// up: about 8 s after a forged announcement, a Sentinel that believes it starts turning the shard's real master into
    /// a replica of the forged address; this leaves the restore time to land first.
    /// </summary>
    public static readonly TimeSpan ForgeryWindow = TimeSpan.FromSeconds(6);

    /// <summary>Throws when <paramref name="scenario"/> cannot run on the lab of <paramref name="inventory"/>.</summary>
    /// <exception cref="ScenarioException">What is wrong, each problem with its line and its fix.</exception>
    public static void Validate(Scenario scenario, Inventory inventory)
    {
        var problems = new Checks(inventory).Run(scenario);
        if (problems.Count > 0)
        {
            throw new ScenarioException(scenario.SourceFile, problems);
        }
    }

    private sealed class Checks
    {
        private readonly Inventory _inventory;
        private readonly List<ScenarioProblem> _problems = [];
        private readonly StepChecks _steps;

        // Each shard's forged announcement not yet undone: its step and the most the steps since may have taken. Judged
        // when the restore comes.
        private readonly Dictionary<string, Forgery> _forgeries = [];

        public Checks(Inventory inventory)
        {
            _inventory = inventory;
            _steps = new StepChecks(inventory, _problems);
        }

        public IReadOnlyList<ScenarioProblem> Run(Scenario scenario)
        {
            StartLoadStep? load = null;
            var keysWritten = false;
            var loadStopped = false;
            // Faults in place, in the order they were staged: each undo takes the one its target names, else the oldest of its kind.
            var standing = new List<FaultStep>();
            var worst = TimeSpan.Zero;
            // A load stopped but not counted yet: the runner counts it at the end, once the shards have converged.
            var uncounted = false;
            foreach (var step in scenario.Steps)
            {
                CountTowardsForgeries(step, standing);
                worst += StepBudget.WorstCase(step, _inventory, standing);
                // What the step alone needs of the inventory, then what it means for the steps around it.
                step.Check(_steps);
                switch (step)
                {
                    case WriteKeysStep:
                        keysWritten = true;
                        break;
                    case StartLoadStep start:
                        if (load is not null)
                        {
                            Problem(step, $"the load is already running (started on line {load.Line}); add '- stop_load' before starting another");
                        }
                        load = start;
                        break;
                    case StopLoadStep:
                        if (load is null)
                        {
                            Problem(step, "stop_load without a running load; add '- start_load: { rate: 200 }' before it");
                        }
                        load = null;
                        loadStopped = true;
                        uncounted = true;
                        break;
                    case FaultStep fault:
                        if (fault.Kind == FaultKind.Isolate && standing.FirstOrDefault(f => f.Kind == FaultKind.Isolate && f.Target == fault.Target) is { } first)
                        {
                            Problem(step, $"'{fault.Text}' isolates what line {first.Line} isolated, which still stands (an instance is isolated once); " +
                                          $"heal it first ('- heal: {fault.Target}') or remove this step");
                        }
                        if (fault.Kind == FaultKind.CutResolver && standing.FirstOrDefault(f => f.Kind == FaultKind.CutResolver && f.Target == fault.Target) is { } cut)
                        {
                            Problem(step, $"'{fault.Text}' cuts off what line {cut.Line} cut off from the machine's resolver, which still stands; " +
                                          $"heal it first ('- heal: {fault.Target}') or remove this step");
                        }
                        Track(standing, fault);
                        break;
                    case HealAllStep:
                        standing.Clear();
                        break;
                    case AssertNoAcknowledgedWriteLostStep or AssertNoWriteFailedStep or AssertAcknowledgedWritesLostStep:
                        if (!loadStopped)
                        {
                            Problem(step, "no load has stopped yet, so there is nothing to count; put it after a '- stop_load'");
                        }
                        uncounted = false;
                        break;
                    case AssertKeysReadableStep when !keysWritten:
                        Problem(step, "no keys to read yet; add '- write_keys: 1000' before it");
                        break;
                    case ForgeMasterStep forge:
                        _forgeries.TryAdd(forge.Shard, new Forgery(forge));
                        break;
                    case RestoreMasterStep restore:
                        if (_forgeries.Remove(restore.Shard, out var forgery))
                        {
                            CheckUndoneInTime(forgery, restore);
                        }
                        else
                        {
                            Problem(step, $"no forged announcement of {restore.Shard} to undo; put '- forge_master: {{ shard: {restore.Shard}, address: master of <other shard> }}' before it, or remove it");
                        }
                        break;
                }
            }
            if (load is not null)
            {
                Problem(load, "the load started here is never stopped; add '- stop_load' at the end so its writes are counted and checked");
            }
            if (!scenario.Steps.Any(s => s.IsCheck))
            {
                Problem(scenario.Steps[0], "this playbook checks nothing, so it passes whatever happens; add an assertion, e.g. '- assert_keys_readable: { timeout: 30s }' " +
                                           "or '- assert_proxy_points_at_master: { shard: g1 }'");
            }
            CheckLeftInPlace(scenario, standing);
            // What the runner does at the end: a load still running is stopped, and every load uncounted is counted once
            // the shards have converged.
            if (load is not null)
            {
                worst += StepBudget.WorstCase(new StopLoadStep(load.Line), _inventory);
            }
            if (load is not null || uncounted)
            {
                worst += LabConvergence.Within;
            }
            if (worst > StepBudget.PlaybookWithin)
            {
                Problem(scenario.Steps[0], $"the steps may take {worst.TotalMinutes:0.#} minutes in the worst case (waits, timeouts and each step's own bound added up, " +
                                           $"with the final count of the load), more than a playbook's {StepBudget.PlaybookWithin.TotalMinutes:0}; " +
                                           "shorten the timeouts and waits, or split it into two playbooks");
            }
            foreach (var (shard, forgery) in _forgeries)
            {
                Problem(forgery.Step, $"the forged announcement of {shard} is never undone; add '- restore_master: {shard}' within a few seconds after it: " +
                                      $"about 8 s after it a Sentinel that believes it makes {shard}'s real master a replica of the forged address, and {shard}'s data is lost");
            }
            return _problems.OrderBy(p => p.Line).ToList();
        }

        /// <summary>Adds a standing fault, or takes away the one an undo step undoes (see <c>PlaybookRunner</c>, which does the same with containers).</summary>
        private void Track(List<FaultStep> standing, FaultStep fault)
        {
            if (fault.Kind.IsStanding())
            {
                standing.Add(fault);
                return;
            }
            var undoes = fault.Kind.Undoes();
            if (undoes.Count == 0)
            {
                return;
            }
            var undone = standing.FirstOrDefault(f => undoes.Contains(f.Kind) && f.Target == fault.Target)
                         ?? standing.FirstOrDefault(f => undoes.Contains(f.Kind));
            if (undone is null)
            {
                Problem(fault, $"nothing this playbook did before is undone by '{fault.Text}' (it undoes {string.Join(" or ", undoes.Select(k => k.StepName()))} " +
                               "steps, and none stands here); remove it, or stage the fault first");
                return;
            }
            standing.Remove(undone);
        }

        /// <summary>Every fault still standing at the end must be listed in <c>left_in_place:</c>, and every listed one must stand.</summary>
        private void CheckLeftInPlace(Scenario scenario, List<FaultStep> standing)
        {
            foreach (var listed in scenario.LeftInPlace)
            {
                var match = standing.FirstOrDefault(f => f.Kind == listed.Kind && f.Target == listed.Target);
                if (match is null)
                {
                    Problem(listed, $"'{listed.Text}' is listed as left in place, but no such fault stands at the playbook's end; remove it from 'left_in_place'");
                    continue;
                }
                standing.Remove(match);
            }
            foreach (var fault in standing)
            {
                Problem(fault, $"'{fault.Text}' is still in place when the playbook ends; undo it (e.g. '- {fault.Kind.UndoneBy().StepName()}: {fault.Target}') " +
                               $"or say so at the top of the file: 'left_in_place:' then '  - {fault.Text}'");
            }
        }

        /// <summary>Adds what <paramref name="step"/> may take to every forgery it runs under.</summary>
        private void CountTowardsForgeries(ScenarioStep step, List<FaultStep> standing)
        {
            foreach (var forgery in _forgeries.Values)
            {
                if (step is RestoreMasterStep restore && restore.Shard == forgery.Step.Shard)
                {
                    continue;
                }
                forgery.Worst += StepBudget.WorstCase(step, _inventory, standing);
            }
        }

        private void CheckUndoneInTime(Forgery forgery, RestoreMasterStep restore)
        {
            var shard = forgery.Step.Shard;
            if (forgery.Worst > ForgeryWindow)
            {
                Problem(forgery.Step, $"the steps after this forge_master may take {forgery.Worst.TotalSeconds:0.#} s before '- restore_master: {shard}' " +
                                      $"on line {restore.Line} (waits, timeouts and each step's own bound added up); keep them within {ForgeryWindow.TotalSeconds:0} s, " +
                                      "e.g. with 'timeout: 2s' on the assertions: about 8 s after a forged announcement a Sentinel that believes it " +
                                      $"makes {shard}'s real master a replica of the forged address, and {shard}'s data is lost");
            }
        }

        private void Problem(ScenarioStep step, string message) => _steps.Problem(step, message);

        /// <summary>A forged announcement not yet undone, and what the steps since add up to.</summary>
        private sealed class Forgery(ForgeMasterStep step)
        {
            public ForgeMasterStep Step { get; } = step;

            public TimeSpan Worst { get; set; }
        }
    }
}
