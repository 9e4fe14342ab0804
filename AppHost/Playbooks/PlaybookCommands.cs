#pragma warning disable ASPIREINTERACTION001 // The interaction service is how a command asks which playbook to run.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Faults;
using RedisHaLab.Playbooks;
using RedisHaLab.Probes;
using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Playbooks;

/// <summary>
/// "Run a playbook" on each node of the dashboard: asks which file of <c>scenarios/</c> to run, resets the lab to its
/// inventory's state, runs the file through the same runner as <c>--play</c> and the tests, logs each step to the node's
/// console and writes the report under <c>.lab/playbooks/</c>. One playbook at a time.
/// </summary>
internal static class PlaybookCommands
{
    public const string Name = "run-playbook";

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static void AddPlaybookCommands(this IDistributedApplicationBuilder builder, LabResources lab)
    {
        var root = LabOptions.RepositoryRoot(builder);
        foreach (var node in lab.Nodes.Values)
        {
            node.WithCommand(Name, "Run a playbook", context => RunAsync(context, lab.Inventory, root), new CommandOptions
            {
                Description = "Resets the lab to its inventory's state and runs a playbook from scenarios/ against it; its steps go to this console.",
                IconName = "PlayCircle",
            });
        }
    }

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, Inventory inventory, string root)
    {
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        if (!interaction.IsAvailable)
        {
            return CommandResults.Failure("no dashboard to ask which playbook; run one with dotnet run --project AppHost -- --play scenarios/FILE.yml");
        }
        var folder = Path.Combine(root, "scenarios");
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.yml").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            return CommandResults.Failure($"no playbook in {folder}");
        }
        var answer = await interaction.PromptInputAsync("Run a playbook", "The lab is reset to its inventory's state first.", new InteractionInput
        {
            Name = "playbook",
            Label = "Playbook",
            InputType = InputType.Choice,
            Required = true,
            Options = files.Select(f => KeyValuePair.Create(Path.GetFileName(f), Path.GetFileNameWithoutExtension(f))).ToList(),
        }, cancellationToken: context.CancellationToken);
        if (answer.Canceled || answer.Data?.Value is not { Length: > 0 } chosen)
        {
            return CommandResults.Failure("no playbook chosen");
        }
        // Only one of the files offered: the answer comes from a client, and a path in it must not reach the loader.
        if (!files.Any(f => Path.GetFileName(f) == chosen))
        {
            return CommandResults.Failure($"'{chosen}' is not one of the playbooks in {folder}");
        }
        var playbooks = PlayCommandLine.LoadAll([Path.Combine("scenarios", chosen)], root, inventory, out var problems);
        if (problems.Count > 0)
        {
            return CommandResults.Failure(string.Join("; ", problems));
        }
        if (!await OneAtATime.WaitAsync(TimeSpan.Zero))
        {
            return CommandResults.Failure("a playbook is running already; wait for its end");
        }
        try
        {
            var chaos = context.Services.GetRequiredService<ChaosLab>();
            var started = DateTime.UtcNow;
            await new LabReset(chaos).ResetAsync(LabReset.Within, context.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            timeout.CancelAfter(StepBudget.PlaybookWithin);
            var logger = context.Logger;
            var result = await new PlaybookRunner(chaos, new TextPlaybookProgress(line => logger.LogInformation("{Line}", line)))
                .RunAsync(playbooks[0], timeout.Token);
            var reportFolder = LabStateLayout.PlaybookRunFolder(root, started);
            await PlaybookReport.WriteAsync(reportFolder, Path.GetFileName(inventory.SourceFile), [result]);
            // And after: a playbook may leave faults in place (its 'left_in_place:'), or fail half-way; the lab the
            // dashboard shows next is the inventory's again, not what the run left.
            var after = await ResetAfterAsync(chaos, logger);
            return result.Passed
                ? CommandResults.Success($"{result.Name} passed; report in {reportFolder}; {after}")
                : CommandResults.Failure($"{result.Failure}; report in {reportFolder}; {after}");
        }
        catch (Exception e) when (e is ChaosException or TimeoutException or StackExchange.Redis.RedisException or OperationCanceledException)
        {
            return CommandResults.Failure($"the lab could not be reset for the playbook: {e.Message}");
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>Resets the lab after a run; says what it undid, or why it could not (the run's own outcome stands either way).</summary>
    private static async Task<string> ResetAfterAsync(ChaosLab chaos, ILogger logger)
    {
        try
        {
            var undone = await new LabReset(chaos).ResetAsync(LabReset.Within, CancellationToken.None);
            var text = undone.Count == 0 ? "the lab needed no reset after it" : $"the lab was reset after it ({string.Join(", ", undone)})";
            logger.LogInformation("{Line}", text);
            return text;
        }
        catch (Exception e) when (e is ChaosException or TimeoutException or StackExchange.Redis.RedisException or OperationCanceledException)
        {
            logger.LogWarning("the lab could not be reset after the playbook: {Reason}", e.Message);
            return $"the lab could not be reset after it: {e.Message}";
        }
    }
}
