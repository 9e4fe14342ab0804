using System.Diagnostics;
using RedisHaLab.Faults;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using StackExchange.Redis;

namespace RedisHaLab.Playbooks;

/// <summary>
/// Runs a playbook (a scenario file's steps) in order against a running lab, telling a progress sink as each step starts
/// and ends. Every wait and check is bounded by its step's timeout, and the whole by <see cref="StepBudget.PlaybookWithin"/>;
/// a step that fails stops the playbook, and the result
/// names the file, line and reason. The command line, the dashboard and the tests all run playbooks through this.
/// </summary>
public sealed class PlaybookRunner(ChaosLab lab, IPlaybookProgress progress)
{
    /// <summary>
    /// Runs <paramref name="scenario"/> (the lab should be in its inventory's starting state) and returns what it
    /// measured. A step that fails ends the playbook there: the result says which and why, the steps after it did not run.
    /// </summary>
    public async Task<PlaybookResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        // The playbook's bound, enforced here whoever calls: every step gets the token, and a step whose work does not
        // heed it (a Docker call, a client's round trip) is left behind at the bound rather than waited for.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StepBudget.PlaybookWithin);
        cancellationToken = bound.Token;
        progress.PlaybookStarted(scenario);
        var clock = Stopwatch.StartNew();
        var steps = new List<StepResult>();
        string? failure = null;
        PlaybookRun? run = null;
        try
        {
            run = await PlaybookRun.StartAsync(lab, progress);
            var live = run;
            foreach (var step in scenario.Steps)
            {
                if (failure is not null)
                {
                    steps.Add(new StepResult(step.Line, step.Text, TimeSpan.Zero, StepOutcome.NotRun, ""));
                    continue;
                }
                progress.StepStarted(step, () => live.Load?.Counters);
                var stepClock = Stopwatch.StartNew();
                StepResult result;
                try
                {
                    var note = await step.RunAsync(run, cancellationToken).WaitAsync(cancellationToken);
                    result = new StepResult(step.Line, step.Text, stepClock.Elapsed, StepOutcome.Passed, note);
                }
                catch (Exception e) when (e is ChaosException or RedisException or TimeoutException or Docker.DotNet.DockerApiException or OperationCanceledException)
                {
                    var reason = e is OperationCanceledException
                        ? $"the playbook ran out of time (a playbook runs at most {StepBudget.PlaybookWithin.TotalMinutes:0} minutes)"
                        : e.Message;
                    result = new StepResult(step.Line, step.Text, stepClock.Elapsed, StepOutcome.Failed, reason);
                    failure = $"{scenario.SourceFile}:{step.Line}: '{step.Text}' failed: {reason}";
                }
                steps.Add(result);
                progress.StepEnded(result, run.Load?.Counters);
            }
        }
        catch (Exception e) when (run is null && e is ChaosException or RedisException or TimeoutException)
        {
            // Not even the probes could start: the lab is not there to play against.
            failure = $"{scenario.SourceFile}:1: cannot start the playbook's probes on the lab: {e.Message}";
        }
        finally
        {
            if (run is not null)
            {
                // What steps left standing (a forged master, a running load), undone whatever stopped the playbook.
                foreach (var undo in StepKinds.UndoLeftStanding)
                {
                    await undo(run);
                }
                progress.Note($"routing by probe keys: {run.Watch}");
                await run.DisposeAsync();
            }
        }
        var outcome = new PlaybookResult(scenario.Name, scenario.SourceFile, scenario.Description, clock.Elapsed, steps,
            run?.Recoveries ?? [], run?.LoadReports ?? [], run?.Switchovers ?? [], failure);
        progress.PlaybookEnded(outcome);
        return outcome;
    }
}
