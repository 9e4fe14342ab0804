using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.AppHost.Publishing;
using RedisHaLab.Swarm;
using RedisHaLab.Topology;
using RedisHaLab.Topology.Model;
using YamlDotNet.RepresentationModel;

namespace RedisHaLab.ModelTests;

/// <summary>
/// One lab, two renderers: the AppHost's containers (read from Aspire's model, never started) and the Swarm stack's
/// services (read back from the stack file) are the same parts, part by part: names, images, environment, what
/// runs, container ports and the files each finds in its container, with their text.
/// </summary>
/// <remarks>
/// What belongs to one runtime alone is left out of the comparison: Aspire's telemetry variables (<c>OTEL_*</c>), and
/// Swarm's start script (its config and the configs it copies from).
/// </remarks>
[TestFixture("post-2016.yml")]
[TestFixture("post-2016-proxy-ha.yml")]
public sealed partial class RenderersAgreeTests(string inventoryFile) : AppHostModelFixture(inventoryFile)
{
    private SwarmStack stack = null!;
    private YamlMappingNode root = null!;
    private YamlMappingNode services = null!;

    [OneTimeSetUp]
    public void PublishStack()
    {
        stack = new SwarmStack(inventory, SwarmPublishing.ImagesBuiltFrom(Repository.Root), "#!/bin/sh\n", password: null);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stack.StackYaml));
        root = (YamlMappingNode)yaml.Documents[0].RootNode;
        services = (YamlMappingNode)root["services"];
    }

    private IEnumerable<string> ServiceNames => services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    private IEnumerable<ContainerResource> LabContainers =>
        builder.Resources.OfType<ContainerResource>().Where(r => inventory.ContainerNames.Contains(r.Name) || r.Name == LoadBalancer.ResourceName);

    [Test]
    public void Both_have_the_same_parts()
    {
        Assert.That(ServiceNames, Is.EquivalentTo(LabContainers.Select(c => c.Name)));
        Assert.That(ServiceNames, Is.EquivalentTo(inventory.ContainerNames), "every container of the inventory, none more");
    }

    [Test]
    public void Each_part_runs_the_same_image()
    {
        foreach (var container in LabContainers)
        {
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Single();
            Assert.That(Text(Service(container.Name), "image"), Is.EqualTo($"{image.Image}:{image.Tag}"), container.Name);
        }
    }

    [Test]
    public async Task Each_part_gets_the_same_environment()
    {
        foreach (var container in LabContainers)
        {
            var aspire = (await EnvironmentOf(container)).Where(e => !e.Key.StartsWith("OTEL_", StringComparison.Ordinal)).ToDictionary();
            var service = Service(container.Name);
            var swarm = Has(service, "environment")
                ? ((YamlMappingNode)service["environment"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (string?)AsComposeReadsIt(((YamlScalarNode)c.Value).Value!))
                : [];
            // A variable read from a secret file at start (the password) has no value in the stack file.
            var start = Entrypoint(service);
            for (var i = start.IndexOf("--env-from-file"); i >= 0; i = start.IndexOf("--env-from-file", i + 1))
            {
                swarm[start[i + 1]] = aspire.GetValueOrDefault(start[i + 1]);
            }
            Assert.That(swarm, Is.EquivalentTo(aspire), container.Name);
        }
    }

    [Test]
    public async Task Each_part_runs_the_same_program_with_the_same_arguments()
    {
        foreach (var container in LabContainers)
        {
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Single();
            var arguments = new List<object>();
            var context = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);
            foreach (var callback in container.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            {
                await callback.Callback(new CommandLineArgsCallbackContext(arguments) { ExecutionContext = context });
            }
            // The image's own entrypoint, as its Dockerfile says, unless the resource names another.
            var aspire = (container.Entrypoint is { } entrypoint ? [entrypoint] : DockerfileEntrypoint(image.Image))
                .Concat(arguments.Select(a => a.ToString()!)).ToList();
            var swarm = Entrypoint(Service(container.Name)).SkipWhile(a => a != "--").Skip(1).ToList();
            Assert.That(swarm, Is.EqualTo(aspire), container.Name);
        }
    }

    [Test]
    public async Task Each_part_answers_names_its_network_does_not_know_inside_its_own_container()
    {
        foreach (var container in LabContainers)
        {
            var runtime = new List<object>();
            foreach (var callback in container.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
            {
                await callback.Callback(new ContainerRuntimeArgsCallbackContext(runtime));
            }
            var dns = runtime.Select(a => a.ToString()).ToList();
            Assert.That(dns.Select((a, i) => a == "--dns" && i + 1 < dns.Count ? dns[i + 1] : null).OfType<string>(),
                Is.EqualTo(new[] { LabResolver.Address }), $"{container.Name}: the AppHost's container has its own loopback as its only DNS server");
            var service = Service(container.Name);
            Assert.That(((YamlSequenceNode)service["dns"]).Children.Select(c => ((YamlScalarNode)c).Value), Is.EqualTo(new[] { LabResolver.Address }),
                $"{container.Name}: the stack's service has its own loopback as its only DNS server");

            // What runs starts the resolver, then the part's own program: the model's, or the image's as its Dockerfile says.
            var command = Entrypoint(service).SkipWhile(a => a != "--").Skip(1).ToList();
            var resolver = new[] { LabResolver.Shell }.Concat(LabResolver.ShellArguments).ToList();
            Assert.That(command.Take(resolver.Count), Is.EqualTo(resolver), $"{container.Name} starts its resolver first");
            var part = LabModel.Of(inventory)[container.Name];
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Single().Image;
            Assert.That(command.Skip(resolver.Count), Is.EqualTo((part.Entrypoint is { } own ? [own] : DockerfileEntrypoint(image)).Concat(part.Arguments)),
                $"{container.Name} then runs its own program");
            Assert.That(DockerfileInstalls(image, LabResolver.Package), Is.True, $"the image {container.Name} runs installs {LabResolver.Package}");
        }
    }

    [Test]
    public void Each_part_listens_on_the_same_container_ports()
    {
        foreach (var container in LabContainers)
        {
            var aspire = container.Annotations.OfType<EndpointAnnotation>().Select(e => e.TargetPort!.Value).Distinct();
            var service = Service(container.Name);
            var swarm = new List<int>();
            if (Has(service, "ports"))
            {
                swarm.AddRange(((YamlSequenceNode)service["ports"]).Children.Select(p => int.Parse(Text(p, "target"))));
            }
            if (Has(service, "expose"))
            {
                swarm.AddRange(((YamlSequenceNode)service["expose"]).Children.Select(p => int.Parse(((YamlScalarNode)p).Value!)));
            }
            Assert.That(swarm, Is.EquivalentTo(aspire), container.Name);
        }
    }

    [Test]
    public void Each_part_finds_the_same_files_with_the_same_text_in_its_container()
    {
        // What the AppHost writes into each host folder at start (its own writer), and what it mounts where.
        var layout = new LabStateLayout(Repository.Root, inventory);
        var written = new LabStateFolder(layout, LabModel.Of(inventory)).Rendered()
            .Select(r => (Path: Path.Combine(r.Folder, r.File.FileName), Text: r.File.Render!(null))).ToList();
        foreach (var container in LabContainers)
        {
            var aspire = new Dictionary<string, string>();
            foreach (var mount in container.Annotations.OfType<ContainerMountAnnotation>())
            {
                if (File.Exists(mount.Source))
                {
                    aspire[mount.Target] = File.ReadAllText(mount.Source!);
                    continue;
                }
                foreach (var (path, text) in written.Where(w => Path.GetDirectoryName(w.Path) == mount.Source))
                {
                    aspire[$"{mount.Target}/{Path.GetFileName(path)}"] = text;
                }
            }
            Assert.That(FilesOf(container.Name), Is.EquivalentTo(aspire), container.Name);
        }
    }

    // Swarm has no start order: each part the AppHost waits for (started or healthy) must at least resolve first.
    [Test]
    public void Each_part_waits_in_the_stack_for_every_part_it_waits_for_in_the_AppHost()
    {
        foreach (var container in LabContainers)
        {
            var start = Entrypoint(Service(container.Name));
            var swarm = start.Select((a, i) => (a, i)).Where(x => x.a == "--wait-for").Select(x => start[x.i + 1]);
            var aspire = container.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);
            Assert.That(aspire, Is.SubsetOf(swarm), container.Name);
        }
    }

    // A proxy's shared folder holds its config for its reconfig service too: the service must see the same file there.
    [Test]
    public void Each_reconfig_service_reads_its_own_proxys_config_file_where_its_environment_says()
    {
        foreach (var proxy in inventory.Proxies)
        {
            var service = Service(proxy.ReconfigName);
            var wanted = Text(service, "environment", "Lab__ProxyConfigFile");
            Assert.That(FilesOf(proxy.ReconfigName).Keys, Does.Contain(wanted), proxy.Name);
            var volume = Text(((YamlSequenceNode)service["volumes"]).Children.Single(), "source");
            Assert.That(Text(((YamlSequenceNode)Service(proxy.Name)["volumes"]).Children.Single(), "source"), Is.EqualTo(volume));
        }
    }

    /// <summary>
    /// Each file the service's container holds once the start scripts ran, container path to text: what its own start
    /// script copied or Swarm mounted, and what another service's start copied into a volume it mounts too (the proxy's
    /// config, in the folder it shares with its reconfig service).
    /// </summary>
    private Dictionary<string, string> FilesOf(string name)
    {
        var files = OwnFilesOf(Service(name));
        foreach (var (volume, target) in VolumesOf(Service(name)))
        {
            foreach (var other in ServiceNames.Where(n => n != name))
            {
                var theirs = VolumesOf(Service(other)).Where(v => v.Volume == volume).Select(v => v.Target).SingleOrDefault();
                if (theirs is null)
                {
                    continue;
                }
                foreach (var (path, text) in OwnFilesOf(Service(other)).Where(f => f.Key.StartsWith($"{theirs}/", StringComparison.Ordinal)))
                {
                    files[$"{target}/{path[(theirs.Length + 1)..]}"] = text;
                }
            }
        }
        return files;
    }

    private static IEnumerable<(string Volume, string Target)> VolumesOf(YamlMappingNode service) =>
        Has(service, "volumes")
            ? ((YamlSequenceNode)service["volumes"]).Children.Select(v => (Text(v, "source"), Text(v, "target")))
            : [];

    private Dictionary<string, string> OwnFilesOf(YamlMappingNode service)
    {
        var declared = new Dictionary<string, string>();
        foreach (var section in new[] { "configs", "secrets" }.Where(s => Has(root, s)))
        {
            foreach (var (name, value) in ((YamlMappingNode)root[section]).Children)
            {
                var relative = Text(value, "file").TrimStart('.', '/');
                declared[((YamlScalarNode)name).Value!] = stack.Files.Single(f => f.RelativePath == relative).Text;
            }
        }
        var mounted = new Dictionary<string, string>();
        foreach (var section in new[] { "configs", "secrets" }.Where(s => Has(service, s)))
        {
            foreach (var reference in ((YamlSequenceNode)service[section]).Children)
            {
                var target = Text(reference, "target");
                mounted[target.StartsWith('/') ? target : $"{SwarmStack.SecretFolder}/{target}"] = declared[Text(reference, "source")];
            }
        }
        var start = Entrypoint(service);
        var files = new Dictionary<string, string>();
        // The start script and what it copies from are Swarm's means, not files of the part.
        var means = new HashSet<string> { $"{SwarmStack.ConfigFolder}/{SwarmStack.StartScriptName}" };
        for (var i = start.IndexOf("--copy"); i >= 0; i = start.IndexOf("--copy", i + 1))
        {
            files[start[i + 2]] = mounted[start[i + 1]];
            means.Add(start[i + 1]);
        }
        foreach (var (path, text) in mounted.Where(m => !means.Contains(m.Key)))
        {
            files[path] = text;
        }
        return files;
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)services[name];

    private static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(key);

    private static string Text(YamlNode node, params string[] path) =>
        ((YamlScalarNode)path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key])).Value!;

    private static List<string> Entrypoint(YamlMappingNode service) =>
        ((YamlSequenceNode)service["entrypoint"]).Children.Select(c => AsComposeReadsIt(((YamlScalarNode)c).Value!)).ToList();

    /// <summary>A value of the stack file as <c>docker stack deploy</c> hands it on: <c>$$</c> is one <c>$</c> (nothing else may hold a <c>$</c>).</summary>
    private static string AsComposeReadsIt(string value)
    {
        Assert.That(value.Replace("$$", "", StringComparison.Ordinal), Does.Not.Contain("$"), $"a '$' compose would interpolate: {value}");
        return value.Replace("$$", "$", StringComparison.Ordinal);
    }

    /// <summary>The ENTRYPOINT of the Dockerfile the lab builds <paramref name="image"/> from; empty when it sets none.</summary>
    private static IReadOnlyList<string> DockerfileEntrypoint(string image)
    {
        var folder = LabImages.All.Single(i => i.Image == image).ContainersSubfolder;
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "containers", folder, "Dockerfile"));
        return EntrypointLine().Match(dockerfile) is { Success: true } match
            ? JsonSerializer.Deserialize<string[]>(match.Groups[1].Value)!
            : [];
    }

    /// <summary>Whether the last stage of the Dockerfile the lab builds <paramref name="image"/> from installs Debian's <paramref name="package"/>.</summary>
    private static bool DockerfileInstalls(string image, string package)
    {
        var folder = LabImages.All.Single(i => i.Image == image).ContainersSubfolder;
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "containers", folder, "Dockerfile"));
        var lastStage = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        return Regex.IsMatch(lastStage, @"apt-get install [^\n]*\s" + Regex.Escape(package) + @"(\s|$)", RegexOptions.Multiline);
    }

    [GeneratedRegex(@"^ENTRYPOINT\s+(\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex EntrypointLine();

    private static async Task<Dictionary<string, string?>> EnvironmentOf(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value as string);
    }
}
