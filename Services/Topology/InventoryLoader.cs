using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace RedisHaLab.Topology;

/// <summary>Reads an inventory file and validates all of it before anything may start.</summary>
/// <remarks>
/// This file reads; <c>Loading/</c> holds the rest, a file a job: YamlDotNet's errors in the inventory's words, the
/// validation pass with one file per section, the rules across sections, the names the AppHost and Docker accept, and
/// the registry of who owns which address and port.
/// </remarks>
public static partial class InventoryLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>Loads and validates <paramref name="path"/>.</summary>
    /// <exception cref="InventoryException">
    /// The file is missing, not a regular file of at most <see cref="InputFile.MaxBytes"/>, named so that it cannot name
    /// the lab's folder (<see cref="LabStateLayout.NameProblem"/>), not valid YAML, or describes an impossible lab.
    /// </exception>
    public static Inventory Load(string path)
    {
        // The name first: it decides which folder every start empties, so nothing is read for a name that cannot be one.
        if (LabStateLayout.NameProblem(path) is { } nameProblem)
        {
            throw new InventoryException(path, [new(1, nameProblem)]);
        }
        if (InputFile.ReadText(path, "an inventory (e.g. --inventory inventories/post-2016.yml)", out var problem) is not { } text)
        {
            throw new InventoryException(path, [new(1, problem!)]);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates inventory text; <paramref name="file"/> only names it in errors.</summary>
    /// <exception cref="InventoryException">The text is not valid YAML or describes an impossible lab.</exception>
    public static Inventory Parse(string yaml, string file)
    {
        // First the file's shape, read without recursion: a repeated key, nesting too deep for the deserializer, an
        // alias. Like a syntax error, any of these stops the reading; each is reported with its line.
        var outline = YamlOutline.Read(yaml, "an inventory");
        if (outline.Problems.Count > 0)
        {
            throw new InventoryException(file, outline.Problems.Select(p => new InventoryProblem(p.Line, p.Message)).OrderBy(p => p.Line).ToList());
        }
        if (outline.ShapeOf() is YamlShape.Value or YamlShape.List)
        {
            throw new InventoryException(file, [new(outline.LineOf(), "an inventory is 'key: value' lines (nodes, shards, redis_settings, sentinels, twemproxy, load_balancer, authentication), " +
                                                                    "not a list or a single value; start from inventories/post-2016.yml")]);
        }
        InventoryDocument? document;
        try
        {
            document = Deserializer.Deserialize<InventoryDocument?>(yaml);
        }
        catch (YamlException e)
        {
            throw new InventoryException(file, [new(Math.Max(1, (int)e.Start.Line), ExplainYamlError(e))]);
        }
        if (document is null)
        {
            throw new InventoryException(file, [new(1, "the file is empty; start from inventories/post-2016.yml")]);
        }
        // Counts before anything else: a check that compares each node with the others must not meet 200,000 of them.
        var tooMany = InventoryLimits.CountProblems(document, outline);
        if (tooMany.Count > 0)
        {
            throw new InventoryException(file, tooMany.OrderBy(p => p.Line).ToList());
        }
        var validation = new Validation(file, outline);
        var inventory = validation.Build(document);
        if (validation.Problems.Count > 0 || inventory is null)
        {
            throw new InventoryException(file, validation.Problems.OrderBy(p => p.Line).ToList());
        }
        return inventory;
    }
}
