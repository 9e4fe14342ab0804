using RedisHaLab.AppHost.Lab;
using RedisHaLab.Faults;
using RedisHaLab.Harness;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;
using Spectre.Console;

namespace RedisHaLab.AppHost.Playbooks;

/// <summary>
/// <c>--play</c>: starts the lab in this process, waits until every instance is healthy, runs the playbooks in order
/// (the lab reset to its inventory's state between two), writes <c>report.md</c> and <c>result.json</c>, stops the lab,
/// and tells the exit code. Every playbook file was loaded and validated before the lab was built.
/// </summary>
internal static class PlaybookSession
{
    /// <summary>Cold start builds the twemproxy image from source: minutes, bounded.</summary>
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromMinutes(8);

    public static async Task<int> RunAsync(DistributedApplication app, Inventory inventory, IReadOnlyList<Scenario> playbooks, string repositoryRoot)
    {
        var started = DateTime.UtcNow;
        if (Console.IsOutputRedirected)
        {
            // A log keeps whole lines: no wrapping at a terminal's 80 columns.
            AnsiConsole.Profile.Width = 240;
        }
        var results = new List<PlaybookResult>();
        string? labProblem = null;
        // The harness's run over this process's own app: the same start, reset and stop as the tests' and the benchmark's.
        var run = new LabRun(app, inventory, note: line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
        try
        {
            AnsiConsole.MarkupLine($"[bold]starting the lab of {Markup.Escape(Path.GetFileName(inventory.SourceFile))}[/] for {playbooks.Count} playbook(s)");
            await run.StartAsync(HealthyWithin, CancellationToken.None);
            AnsiConsole.MarkupLine("[green]every instance is healthy[/]");
            var chaos = run.Chaos;
            await AnsiConsole.Status().StartAsync("starting", async status =>
            {
                for (var i = 0; i < playbooks.Count; i++)
                {
                    if (i > 0)
                    {
                        status.Status($"resetting the lab for {Markup.Escape(playbooks[i].Name)}");
                        var undone = await run.ResetAsync(LabReset.Within, CancellationToken.None);
                        AnsiConsole.MarkupLine($"[grey]reset: {Markup.Escape(undone.Count == 0 ? "nothing to undo" : string.Join(", ", undone))}[/]");
                    }
                    using var timeout = new CancellationTokenSource(StepBudget.PlaybookWithin);
                    results.Add(await new PlaybookRunner(chaos, new ConsolePlaybookProgress(status)).RunAsync(playbooks[i], timeout.Token));
                }
            });
        }
        catch (Exception e) when (e is OperationCanceledException or ChaosException or TimeoutException or StackExchange.Redis.RedisException)
        {
            // The lab did not come up (the harness names what was not healthy), or could not be put back between two
            // playbooks: the rest cannot be trusted.
            labProblem = e is OperationCanceledException ? $"the lab was not healthy within {HealthyWithin.TotalMinutes:0} minutes" : e.Message;
        }
        finally
        {
            AnsiConsole.MarkupLine("[grey]stopping the lab[/]");
            // Exits only once the lab's containers are gone: the next start (or the next test fixture) would find them.
            await run.StopAsync();
        }

        var folder = LabStateLayout.PlaybookRunFolder(repositoryRoot, started);
        await PlaybookReport.WriteAsync(folder, Path.GetFileName(inventory.SourceFile), results);
        AnsiConsole.WriteLine();
        AnsiConsole.Write(new Text(PlaybookReport.Table(results)));
        AnsiConsole.MarkupLine($"report: {Markup.Escape(Path.Combine(folder, "report.md"))}, {Markup.Escape(Path.Combine(folder, "result.json"))}");
        foreach (var failed in results.Where(r => !r.Passed))
        {
            Console.Error.WriteLine($"playbook {failed.Name} failed: {failed.Failure}");
        }
        if (labProblem is not null)
        {
            Console.Error.WriteLine($"the playbooks could not all run: {labProblem} ({results.Count} of {playbooks.Count} ran)");
            return PlayExitCodes.StepFailed;
        }
        return PlayExitCodes.For(results);
    }
}
