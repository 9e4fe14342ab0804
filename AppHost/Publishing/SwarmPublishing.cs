using System.Security.Cryptography;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Swarm;
using RedisHaLab.Topology;

namespace RedisHaLab.AppHost.Publishing;

/// <summary>
/// <c>--publish swarm --output DIR</c>: the lab of the inventory as a Docker Swarm stack instead of a run. Same
/// inventory, same images (<see cref="LabImages"/>, built from <c>containers/</c>; <c>--image-prefix</c> puts them under
/// a registry of the user's), same rendered configs.
/// </summary>
internal static class SwarmPublishing
{
    /// <summary>How a refused publish begins its message (nothing is written then).</summary>
    public const string Refusal = "Nothing was published.";

    /// <summary>True when the command line asks for a publish rather than a run.</summary>
    public static bool Requested(IDistributedApplicationBuilder builder) => builder.Configuration["publish"] is not null;

    /// <summary>Writes the stack and returns the exit code: 0, or 2 with the reason on stderr and nothing written.</summary>
    public static int Run(IDistributedApplicationBuilder builder, Inventory inventory)
    {
        try
        {
            var folder = SwarmPublisher.CheckArguments(builder.Configuration["publish"], builder.Configuration["output"], inventory);
            var stackName = builder.Configuration["stack"] ?? SwarmNames.DefaultStack;
            if (SwarmNames.StackProblem(stackName) is { } stackProblem)
            {
                throw new SwarmPublishException(stackProblem);
            }
            var root = LabOptions.RepositoryRoot(builder);
            var images = ImagesBuiltFrom(root).UnderPrefix(builder.Configuration["image-prefix"]);
            var (password, generated) = Password(builder, inventory);
            var stack = new SwarmStack(inventory, images, File.ReadAllText(SwarmPublisher.StartScript(root)), password, stackName);
            SwarmPublisher.Write(stack, folder);
            Console.WriteLine($"Published {Path.GetFileName(inventory.SourceFile)} as Swarm stack '{stackName}' in {folder} " +
                              $"({stack.Files.Count} files). Deploy it with: eng/swarm.sh deploy {folder}");
            if (generated)
            {
                Console.WriteLine($"Authentication is on: a password was generated into {Path.Combine(folder, "files", "redis-password")} " +
                                  "(give your own with Parameters__redis-password).");
            }
            return 0;
        }
        catch (SwarmPublishException e)
        {
            Console.Error.WriteLine($"{Refusal} {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// The lab's images as the stack names them, before any <c>--image-prefix</c>, each with the stamp of its folder
    /// under <paramref name="repositoryRoot"/> as it is now (<see cref="LabImageStamps"/>).
    /// </summary>
    internal static StackImages ImagesBuiltFrom(string repositoryRoot)
    {
        StackImage Image(LabImage image) =>
            new($"{image.Image}:{image.Tag}", image.ContainersSubfolder, LabImageStamps.Of(image.BuildContext(repositoryRoot)));
        return new(Image(LabImages.Redis), Image(LabImages.Twemproxy), Image(LabImages.Reconfig), Image(LabImages.Haproxy));
    }

    /// <summary>The given password (already checked by <see cref="LabSecret.ProblemWithGiven"/>), else a new one, as the AppHost would generate.</summary>
    private static (string? Password, bool Generated) Password(IDistributedApplicationBuilder builder, Inventory inventory)
    {
        if (inventory.Authentication != LabAuthentication.Password)
        {
            return (null, false);
        }
        var given = builder.Configuration[$"Parameters:{LabSecret.ParameterName}"];
        return given is not null
            ? (given, false)
            : (RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32), true);
    }
}
