using RedisHaLab.Topology;

namespace RedisHaLab.Swarm;

/// <summary>Why a stack was not published: a sentence that says what to change.</summary>
public sealed class SwarmPublishException(string message) : Exception(message);

/// <summary>
/// Writes a <see cref="SwarmStack"/> into an output folder: all of it or nothing (the files go to a temporary folder
/// beside it, which then takes the output's place).
/// </summary>
public static class SwarmPublisher
{
    /// <summary>The only target there is (<c>--publish swarm</c>).</summary>
    public const string Target = "swarm";

    /// <summary>The start script every container of the stack runs first, under the repository root.</summary>
    public static string StartScript(string repositoryRoot) => Path.Combine(repositoryRoot, "containers", "swarm", SwarmStack.StartScriptName);

    /// <summary>Checks what the command line asked for; throws before anything is written.</summary>
    /// <exception cref="SwarmPublishException">An unknown target, no output folder, or one that holds something else.</exception>
    public static string CheckArguments(string? target, string? output, Inventory inventory)
    {
        if (target != Target)
        {
            throw new SwarmPublishException($"--publish '{target}' is not a target this AppHost publishes; the one target is '--publish {Target} --output <folder>'");
        }
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new SwarmPublishException($"--publish {Target} needs an output folder: add --output <folder> (e.g. --output .lab/swarm)");
        }
        // "DIR/" is DIR: the staging folder is a sibling of the folder, never inside it.
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (Path.GetDirectoryName(folder) is null)
        {
            throw new SwarmPublishException($"--output {output} is the file system's root; give a folder of its own (e.g. --output .lab/swarm/post-2016)");
        }
        if (File.Exists(folder))
        {
            throw new SwarmPublishException($"--output {output} is a file; give a folder (it is created when missing)");
        }
        if (OwnershipProblem(folder, output) is { } problem)
        {
            throw new SwarmPublishException(problem);
        }
        if (SwarmHostPorts.Problem(inventory) is { } ports)
        {
            throw new SwarmPublishException($"{inventory.SourceFile}: {ports}");
        }
        return folder;
    }

    /// <summary>
    /// Writes <paramref name="stack"/> into <paramref name="folder"/> (checked by <see cref="CheckArguments"/>), replacing an
    /// earlier publish only once the new one is complete: it is written into a sibling folder first, which then takes
    /// the output's place, and the earlier publish is deleted last. A failure leaves the earlier publish as it was.
    /// </summary>
    /// <exception cref="SwarmPublishException">The folder changed owner since the check, or the files could not be written.</exception>
    public static void Write(SwarmStack stack, string folder) => Write(stack.Files, folder);

    /// <summary>Writes <paramref name="files"/> as <see cref="Write(SwarmStack, string)"/> writes a stack's.</summary>
    /// <exception cref="SwarmPublishException">The folder changed owner since the check, or the files could not be written.</exception>
    public static void Write(IReadOnlyList<StackFile> files, string folder)
    {
        folder = Path.TrimEndingDirectorySeparator(folder);
        var parent = Path.GetDirectoryName(folder) ?? throw new ArgumentException($"{folder} has no parent folder", nameof(folder));
        var name = Path.GetFileName(folder);
        var unique = Guid.NewGuid().ToString("N");
        var staging = Path.Combine(parent, $".{name}.publishing-{unique}");
        var replaced = Path.Combine(parent, $".{name}.replaced-{unique}");
        try
        {
            Directory.CreateDirectory(parent);
            // Owner-only: with authentication on, the rendered files carry the password.
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(staging);
            }
            else
            {
                Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            foreach (var file in files)
            {
                var path = Path.Combine(staging, file.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Text);
            }
            // Checked again just before the swap: only a publish of ours is ever moved aside and deleted.
            if (OwnershipProblem(folder, folder) is { } problem)
            {
                throw new SwarmPublishException(problem);
            }
            var hadEarlier = Directory.Exists(folder);
            if (hadEarlier)
            {
                Directory.Move(folder, replaced);
            }
            try
            {
                Directory.Move(staging, folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (hadEarlier)
                {
                    Directory.Move(replaced, folder);
                }
                throw;
            }
            if (hadEarlier)
            {
                DeleteReplaced(replaced, folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SwarmPublishException($"could not write the stack into {folder} ({e.Message}); an earlier publish there is unchanged");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static void DeleteReplaced(string replaced, string folder)
    {
        try
        {
            Directory.Delete(replaced, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SwarmPublishException($"the stack is published in {folder}, but the earlier publish, moved aside to {replaced}, " +
                                            $"could not be deleted ({e.Message}); delete that folder yourself");
        }
    }

    /// <summary>
    /// Why <paramref name="folder"/> may not be replaced by a publish, or null when it may: it is missing or empty, or an
    /// earlier publish wrote it (its <see cref="SwarmStack.MarkerFileName"/>; before there was one, exactly the files a
    /// publish writes, its swarm.env saying so).
    /// </summary>
    private static string? OwnershipProblem(string folder, string given)
    {
        var info = new DirectoryInfo(folder);
        if (!info.Exists)
        {
            return null;
        }
        if (info.LinkTarget is { } target)
        {
            return $"--output {given} is a link to {target}; give the folder itself";
        }
        var entries = info.EnumerateFileSystemInfos().ToList();
        if (entries.Count == 0 || entries.Any(e => e.Name == SwarmStack.MarkerFileName && e is FileInfo && e.LinkTarget is null))
        {
            return null;
        }
        var environment = Path.Combine(folder, SwarmStack.EnvironmentFileName);
        var legacy = entries.All(e => e.LinkTarget is null && e.Name is SwarmStack.StackFileName or SwarmStack.EnvironmentFileName or "files") &&
                     InputFile.ReadText(environment, "swarm.env", out _) is { } text && text.StartsWith(SwarmStack.EnvironmentHeader, StringComparison.Ordinal);
        return legacy
            ? null
            : $"--output {given} is a folder with other things in it (no {SwarmStack.MarkerFileName}, the mark of a publish); " +
              "give an empty or new folder, or one an earlier publish wrote";
    }
}
