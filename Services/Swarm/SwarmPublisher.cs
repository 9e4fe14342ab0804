using RedisHaLab.Chaos;
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
        var folder = Path.GetFullPath(output);
        if (File.Exists(folder))
        {
            throw new SwarmPublishException($"--output {output} is a file; give a folder (it is created when missing)");
        }
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() &&
            !File.Exists(Path.Combine(folder, SwarmStack.StackFileName)))
        {
            throw new SwarmPublishException($"--output {output} is a folder with other things in it; give an empty or new folder, or one an earlier publish wrote");
        }
        if (inventory.Proxies.Count > 1 || inventory.LoadBalancer is not null)
        {
            // Not yet in the stack: it would publish one proxy and no balancer, a lab other than the inventory's.
            throw new SwarmPublishException($"{inventory.SourceFile}: the Swarm stack has one proxy and no load balancer so far; this inventory has " +
                $"{inventory.Proxies.Count} proxies{(inventory.LoadBalancer is null ? "" : " and a load balancer")}; publish an inventory with one 'twemproxy.node' and no 'load_balancer'");
        }
        if (SwarmHostPorts.Problem(inventory) is { } ports)
        {
            throw new SwarmPublishException($"{inventory.SourceFile}: {ports}");
        }
        return folder;
    }

    /// <summary>Writes <paramref name="stack"/> into <paramref name="folder"/> (checked by <see cref="CheckArguments"/>), replacing an earlier publish.</summary>
    public static void Write(SwarmStack stack, string folder)
    {
        var staging = $"{folder}.publishing-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        // Owner-only: with authentication on, the rendered files carry the password.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(staging);
        }
        else
        {
            Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var file in stack.Files)
        {
            var path = Path.Combine(staging, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Text);
        }
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        Directory.Move(staging, folder);
    }
}
