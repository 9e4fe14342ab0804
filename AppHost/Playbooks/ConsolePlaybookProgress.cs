using System.Diagnostics;
using RedisHaLab.Load;
using RedisHaLab.Playbooks;
using Spectre.Console;

namespace RedisHaLab.AppHost.Playbooks;

/// <summary>
/// Live progress on the console for <c>--play</c>: a status line with the running step, its time so far and the load's
/// counters (refreshed four times a second), and one line per step as it ends.
/// </summary>
internal sealed class ConsolePlaybookProgress(StatusContext status) : IPlaybookProgress
{
    private CancellationTokenSource? _ticking;

    public void PlaybookStarted(Scenario playbook) =>
        AnsiConsole.MarkupLine($"[bold]playbook {Markup.Escape(playbook.Name)}[/]: {Markup.Escape(playbook.Description)}");

    public void StepStarted(ScenarioStep step, Func<LoadCounters?> load)
    {
        // Redirected to a file or a CI log, a status line cannot be redrawn: each update would be a new line.
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return;
        }
        _ticking = new CancellationTokenSource();
        var token = _ticking.Token;
        var clock = Stopwatch.StartNew();
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                var counters = load() is { } c ? $"  [grey]load: {Markup.Escape(c.ToString())}[/]" : "";
                status.Status($"line {step.Line}: {Markup.Escape(step.Text)}  {clock.Elapsed.TotalSeconds:0.0} s{counters}");
                try
                {
                    await Task.Delay(250, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, token);
    }

    public void StepEnded(StepResult step, LoadCounters? load)
    {
        _ticking?.Cancel();
        _ticking?.Dispose();
        _ticking = null;
        var colour = step.Outcome == StepOutcome.Failed ? "red" : "green";
        AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(PlaybookText.StepLine(step, load))}[/]");
    }

    public void Note(string line) => AnsiConsole.MarkupLine($"[grey]  {Markup.Escape(line)}[/]");

    public void PlaybookEnded(PlaybookResult result) =>
        AnsiConsole.MarkupLine($"[{(result.Passed ? "green" : "red")}]{Markup.Escape(PlaybookText.Summary(result))}[/]");
}
