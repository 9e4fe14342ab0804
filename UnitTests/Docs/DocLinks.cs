using System.Text;
using System.Text.RegularExpressions;

namespace RedisHaLab.UnitTests.Docs;

/// <summary>
/// Reads the relative links and images of a markdown page as GitHub renders them, and says which lead nowhere: a
/// path that is not a file or folder of the repository, or a <c>#anchor</c> that no heading of the target page makes.
/// </summary>
internal static partial class DocLinks
{
    /// <summary>A link as written: the line it is on (1-based) and its target.</summary>
    public readonly record struct Link(int Line, string Target);

    // [text](target) and ![alt](target), an optional "title" after the target; text may hold one level of [...].
    [GeneratedRegex("""!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?(?<target>[^)\s>]+)>?(?:\s+"[^"]*")?\s*\)""")]
    private static partial Regex InlineLink();

    // [label]: target, a reference definition on a line of its own.
    [GeneratedRegex("""^\s{0,3}\[[^\]]+\]:\s*<?(?<target>[^\s>]+)>?""")]
    private static partial Regex ReferenceDefinition();

    // <img src="..."> and <a href="..."> written as HTML.
    [GeneratedRegex("<(?:img|a)\\b[^>]*?\\b(?:src|href)=\"(?<target>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();

    // An explicit anchor written as HTML: <a name="x"> or id="x".
    [GeneratedRegex("<[a-z]+\\b[^>]*?\\b(?:name|id)=\"(?<anchor>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"^\s{0,3}(?<hashes>#{1,6})\s+(?<text>.*?)(?:\s+#+)?\s*$")]
    private static partial Regex Heading();

    // Code spans: `x`, ``x ` y``. Links inside them are text, not links.
    [GeneratedRegex(@"(`+).*?\1")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^\s{0,3}(```|~~~)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*:|^//")]
    private static partial Regex Absolute();

    /// <summary>The page's lines outside fenced code blocks, each with its line number, as written and with code spans blanked.</summary>
    private static IEnumerable<(int Line, string Raw, string Prose)> ProseLines(string page)
    {
        var inFence = false;
        var lines = page.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (Fence().IsMatch(line))
            {
                inFence = !inFence;
                continue;
            }
            if (!inFence)
            {
                yield return (i + 1, line, CodeSpan().Replace(line, m => new string(' ', m.Length)));
            }
        }
    }

    /// <summary>Every link and image of the page, in order; absolute URLs included.</summary>
    public static IReadOnlyList<Link> Links(string page)
    {
        var links = new List<Link>();
        foreach (var (line, _, text) in ProseLines(page))
        {
            foreach (var regex in new[] { InlineLink(), ReferenceDefinition(), HtmlLink() })
            {
                links.AddRange(regex.Matches(text).Select(m => new Link(line, m.Groups["target"].Value)));
            }
        }
        return links;
    }

    /// <summary>GitHub's anchor for a heading: lower case, only letters, digits, '_', '-' and spaces kept, spaces as '-'.</summary>
    public static string Slug(string heading)
    {
        // The rendered text: a link shows its text, emphasis and code marks are not text.
        var text = Regex.Replace(heading, @"!?\[([^\]]*)\]\([^)]*\)", "$1");
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '_' || c == '-' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }
        return slug.ToString();
    }

    /// <summary>The anchors the page's headings make (a repeated one gets -1, -2, ... as on GitHub), and its HTML anchors.</summary>
    public static IReadOnlySet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, raw, text) in ProseLines(page))
        {
            // A heading's code spans are part of its text (GitHub drops only the backticks).
            var heading = Heading().Match(raw.Replace("`", ""));
            if (heading.Success)
            {
                var slug = Slug(heading.Groups["text"].Value);
                var count = seen.GetValueOrDefault(slug);
                seen[slug] = count + 1;
                anchors.Add(count == 0 ? slug : $"{slug}-{count}");
            }
            anchors.UnionWith(HtmlAnchor().Matches(text).Select(m => m.Groups["anchor"].Value));
        }
        return anchors;
    }

    /// <summary>
    /// Each relative link of <paramref name="pagePath"/> (relative to <paramref name="root"/>) that leads nowhere, as
    /// <c>page:line: what is wrong; how to fix it</c>.
    /// </summary>
    public static IReadOnlyList<string> Problems(string root, string pagePath)
    {
        var fullRoot = Path.GetFullPath(root);
        var pageFile = Path.GetFullPath(Path.Combine(fullRoot, pagePath));
        var page = File.ReadAllText(pageFile);
        var pageName = pagePath.Replace('\\', '/');
        var folder = Path.GetDirectoryName(pageName) is { Length: > 0 } f ? f.Replace('\\', '/') + "/" : "the repository root";
        var problems = new List<string>();
        foreach (var (line, target) in Links(page))
        {
            if (Absolute().IsMatch(target))
            {
                continue;
            }
            var hash = target.IndexOf('#');
            var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            var where = $"{pageName}:{line}";

            var resolved = path.Length == 0 ? pageFile
                : path.StartsWith('/') ? Path.GetFullPath(Path.Combine(fullRoot, path.TrimStart('/')))
                : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pageFile)!, path));
            var relative = Path.GetRelativePath(fullRoot, resolved).Replace('\\', '/');
            if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                problems.Add($"{where}: link '{target}' leads out of the repository; link to a file inside it");
                continue;
            }
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                problems.Add($"{where}: link '{target}' points to {relative}, which does not exist; correct the path (it is relative to {folder})");
                continue;
            }
            if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(resolved))
            {
                var anchors = Anchors(File.ReadAllText(resolved));
                if (!anchors.Contains(anchor))
                {
                    problems.Add($"{where}: link '{target}' names #{anchor}, which no heading of {relative} makes; use one of #{string.Join(", #", anchors.Order(StringComparer.Ordinal))}");
                }
            }
        }
        return problems;
    }
}
