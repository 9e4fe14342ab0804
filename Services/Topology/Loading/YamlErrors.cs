using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization.NamingConventions;
using static RedisHaLab.Topology.YamlOutline;

namespace RedisHaLab.Topology;

public static partial class InventoryLoader
{
    /// <summary>A YamlDotNet error, which names .NET types, said again in the inventory's own words (its keys and sections).</summary>
    private static string ExplainYamlError(YamlException e)
    {
        var unknown = UnknownPropertyPattern().Match(e.Message);
        if (unknown.Success)
        {
            var section = Type.GetType(unknown.Groups["type"].Value);
            var allowed = section?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
            return $"unknown key {Shown(unknown.Groups["key"].Value)}; check its spelling" +
                   (allowed is null ? "" : $" (allowed here: {string.Join(", ", allowed)})");
        }
        var shape = WrongShapePattern().Match(e.Message);
        if (shape.Success)
        {
            var type = shape.Groups["type"].Value;
            var section = type == nameof(InventoryDocument) ? "inventory" : UnderscoredNamingConvention.Instance.Apply(type.Replace("Section", ""));
            return $"expected the {section} settings as 'key: value' lines here, found a list or a single value";
        }
        var innermost = e.InnerException;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        // A section or a list written as a bare text ('sentinels: x', 'nodes: node22') reaches the converter as a string;
        // found by the fuzz test, it had leaked .NET's "Invalid cast from 'System.String' to '...SentinelsSection'".
        if (innermost is not null && SectionCastPattern().Match(innermost.Message) is { Success: true } cast)
        {
            var section = UnderscoredNamingConvention.Instance.Apply(cast.Groups["type"].Value.Replace("Section", ""));
            return $"expected the {section} settings as 'key: value' lines here, found a single value";
        }
        if (innermost is InvalidCastException)
        {
            return innermost.Message.Contains("Collections.Generic.List", StringComparison.Ordinal)
                ? "expected a list here ([a, b] or '- a' lines), found a single value"
                : "this value has the wrong form here (a single value, a list or 'key: value' lines); compare it with inventories/post-2016.yml";
        }
        return innermost is null
            ? $"not valid YAML: {e.Message}"
            : $"cannot read this value: {innermost.Message}";
    }

    // The key greedy: a key holding a quote (found by the fuzz test) otherwise fell through to .NET's own wording.
    [GeneratedRegex(@"Property '(?<key>.*)' not found on type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex UnknownPropertyPattern();

    [GeneratedRegex(@"No node deserializer was able to deserialize the node into type RedisHaLab\.Topology\.(?<type>\w+)")]
    private static partial Regex WrongShapePattern();

    [GeneratedRegex(@"Invalid cast from '[^']*' to 'RedisHaLab\.Topology\.(?<type>\w+Section)'")]
    private static partial Regex SectionCastPattern();
}
