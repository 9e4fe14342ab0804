using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RedisHaLab.Topology;

/// <summary>
/// A YAML file someone wrote (an inventory, a scenario), read once as a flat stream of parser events before any
/// deserializer sees it: where each key and value is written, for messages that point at them, and the problems that
/// must stop the reading. YamlDotNet's readers do not say these well: its representation model recurses once per level
/// of nesting (100,000 closed brackets overflow the stack and kill the process, which no catch survives), its
/// deserializer stops at a limit of its own with a message that names no fix, and of two equal keys one silently keeps
/// the last while the other names neither line. This reads the events in a loop, stops as soon as the nesting passes
/// <see cref="MaxDepth"/>, and names both lines of a repeated key.
/// </summary>
/// <remarks>
/// Anchors and aliases are refused: no lab file needs them, and an alias gives one value two places, or none of its own,
/// to point a message at. A path is the keys from the top down, a list item being its 0-based index.
/// </remarks>
public sealed class YamlOutline
{
    /// <summary>The deepest nesting of lists and mappings read; the lab's files need 4.</summary>
    public const int MaxDepth = 16;

    private const char Separator = '\u0000';

    private readonly Dictionary<string, Place> _places = [];
    private readonly List<(int Line, string Message)> _problems = [];

    private YamlOutline()
    {
    }

    /// <summary>
    /// Problems that stop the reading, each with its line and its fix: not YAML, nested too deep, a second document, a
    /// repeated or empty key, an anchor or alias. Empty when the file may be deserialized.
    /// </summary>
    public IReadOnlyList<(int Line, string Message)> Problems => _problems;

    /// <summary>Reads <paramref name="yaml"/>; <paramref name="kind"/> names the file in messages (e.g. <c>an inventory</c>).</summary>
    public static YamlOutline Read(string yaml, string kind)
    {
        var outline = new YamlOutline();
        outline.FindFormatCharacters(yaml);
        if (outline._problems.Count > 0)
        {
            return outline;
        }
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            outline.ReadEvents(new Parser(scanner), kind);
        }
        catch (YamlException e)
        {
            outline.Problem(e.Start, $"not valid YAML: {Reason(e)}; check the brackets, quotes and indentation here and on the line before");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner trips over some unclosed brackets without a YamlException; where it stopped is the place to look.
            outline.Problem(scanner.CurrentPosition, "not valid YAML; check the brackets, quotes and indentation here and on the line before");
        }
        return outline;
    }

    /// <summary>
    /// The line to point at for the node at <paramref name="path"/>: a single value's own line, or for a list or a mapping
    /// the line of its key (or list item); for a path the file does not have, the line of its nearest ancestor that it has.
    /// </summary>
    public int LineOf(params string[] path)
    {
        for (var length = path.Length; length >= 0; length--)
        {
            if (_places.TryGetValue(Key(path.AsSpan(0, length)), out var place))
            {
                return Line(place.Shape is YamlShape.List or YamlShape.Mapping ? place.Key : place.Value);
            }
        }
        return 1;
    }

    /// <summary>What the file holds at <paramref name="path"/> (the whole file for none); <see cref="YamlShape.Nothing"/> where it has nothing.</summary>
    public YamlShape ShapeOf(params string[] path) => _places.TryGetValue(Key(path), out var place) ? place.Shape : YamlShape.Nothing;

    /// <summary>The 1-based line of a position in the file.</summary>
    public static int Line(Mark mark) => Math.Max(1, (int)mark.Line);

    /// <summary>
    /// <paramref name="text"/> as a message shows it: in single quotes, each control character written as an escape
    /// (<c>\n</c>, <c>\t</c>, <c>\x01</c>), so that a name ending in a line break is seen to.
    /// </summary>
    public static string Shown(string text)
    {
        var shown = new StringBuilder("'");
        foreach (var c in text)
        {
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return shown.Append('\'').ToString();
    }

    /// <summary>True when <paramref name="text"/> holds a line break or any other control character.</summary>
    public static bool HasControlCharacters(string text) => text.Any(char.IsControl);

    /// <summary>True for a plain scalar YAML reads as null: nothing, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(string? value, ScalarStyle style) =>
        value is null || (style is ScalarStyle.Plain or ScalarStyle.Any && value is "" or "~" or "null" or "Null" or "NULL");

    /// <summary>
    /// Refuses every line holding an invisible format character (Unicode category Cf): a bidirectional control such as
    /// U+202E shows a value in another order than the one read (a comment can seem to end a line that goes on), and a
    /// zero-width one makes two names that look equal differ. (A byte order mark at the start of a file never gets here:
    /// File.ReadAllText takes it away.)
    /// </summary>
    private void FindFormatCharacters(string yaml)
    {
        var line = 1;
        var reported = 0;
        for (var index = 0; index < yaml.Length; index++)
        {
            var c = yaml[index];
            if (c == '\n')
            {
                line++;
                reported = 0;
            }
            else if (char.GetUnicodeCategory(c) == UnicodeCategory.Format && reported != line)
            {
                reported = line;
                _problems.Add((line, $"this line holds U+{(int)c:X4}, an invisible format or bidirectional control character (Unicode category Cf), " +
                                     "which can make the text look other than it reads; delete it (retype the line if you cannot see it)"));
            }
        }
    }

    private void ReadEvents(IParser parser, string kind)
    {
        var open = new Stack<Collection>();
        var documents = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case DocumentStart when ++documents > 1:
                    Problem(current.Start, $"a second YAML document starts here; {kind} is one document: remove this '---' and what follows, or merge it into the first");
                    return;
                case AnchorAlias alias:
                    Problem(alias.Start, $"an alias (*{alias.Value}) is not supported here; write the value out in full");
                    if (open.TryPeek(out var aliasHolder) && aliasHolder.ExpectsKey)
                    {
                        return;
                    }
                    Record(open, alias.Start, YamlShape.Value);
                    break;
                case NodeEvent node:
                    if (!node.Anchor.IsEmpty)
                    {
                        Problem(node.Start, $"an anchor (&{node.Anchor}) is not supported here; write the value out in full");
                    }
                    if (open.TryPeek(out var parent) && parent.ExpectsKey)
                    {
                        if (!ReadKey(node, parent))
                        {
                            return;
                        }
                        break;
                    }
                    var path = Record(open, node.Start, node switch
                    {
                        MappingStart => YamlShape.Mapping,
                        SequenceStart => YamlShape.List,
                        Scalar scalar when IsNull(scalar.Value, scalar.Style) => YamlShape.Nothing,
                        _ => YamlShape.Value,
                    });
                    if (node is MappingStart or SequenceStart)
                    {
                        if (open.Count + 1 > MaxDepth)
                        {
                            Problem(node.Start, $"more than {MaxDepth} levels of nesting; {kind} needs at most 4: check the brackets and the indentation here");
                            return;
                        }
                        open.Push(new Collection(path, node is MappingStart));
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    open.Pop();
                    break;
            }
        }
    }

    /// <summary>Records where the value about to be read is written; returns its path.</summary>
    private string[] Record(Stack<Collection> open, Mark at, YamlShape shape)
    {
        var holder = open.TryPeek(out var top) ? top : null;
        var path = holder?.ChildPath() ?? [];
        _places[Key(path)] = new Place(holder is { IsMapping: true } ? holder.KeyMark : at, at, shape);
        holder?.ValueRead();
        return path;
    }

    /// <summary>Reads a mapping's key; false when the reading must stop.</summary>
    private bool ReadKey(NodeEvent node, Collection mapping)
    {
        if (node is not Scalar scalar)
        {
            Problem(node.Start, "a key here is a list or a mapping; a key is a single name: write it on its own, followed by ':'");
            return false;
        }
        if (IsNull(scalar.Value, scalar.Style))
        {
            Problem(node.Start, $"a key here is empty; give it a name{(mapping.Path.Length == 0 ? "" : $" in {Describe(mapping.Path)}")}, or remove the line");
            return false;
        }
        if (mapping.KeyRead(scalar.Value, node.Start) is { } first)
        {
            Problem(node.Start, $"{Shown(scalar.Value)} is given twice {Where(mapping.Path)} (first on line {Line(first)}); " +
                                "a key may appear once in a mapping: remove one of them");
        }
        return true;
    }

    private static string Where(string[] path) => path.Length == 0 ? "at the top level" : $"in {Describe(path)}";

    /// <summary>A path as a reader finds it: <c>shards.g1.replicas[2]</c>, list items counted from 1.</summary>
    private static string Describe(string[] path)
    {
        var described = new StringBuilder();
        foreach (var step in path)
        {
            if (step.StartsWith(Separator))
            {
                described.Append(CultureInfo.InvariantCulture, $"[{int.Parse(step[1..], CultureInfo.InvariantCulture) + 1}]");
            }
            else
            {
                described.Append(described.Length == 0 ? "" : ".").Append(step);
            }
        }
        return described.ToString();
    }

    private static string Key(ReadOnlySpan<string> path) => string.Join(Separator, path.ToArray().Select(Unmarked));

    // List items carry a marker inside the outline so that Describe can tell an index from a key that is a number.
    private static string Unmarked(string step) => step.StartsWith(Separator) ? step[1..] : step;

    private void Problem(Mark at, string message) => _problems.Add((Line(at), message));

    private static string Reason(YamlException e)
    {
        var reason = e.InnerException?.Message ?? e.Message;
        // YamlDotNet appends the position, which the message already leads with.
        var position = reason.IndexOf(" (at Line: ", StringComparison.Ordinal);
        return (position < 0 ? reason : reason[..position]).TrimEnd('.');
    }

    /// <summary>Where a node is written: its key (or list item) and its value.</summary>
    private readonly record struct Place(Mark Key, Mark Value, YamlShape Shape);

    /// <summary>A list or a mapping being read: its path, and for a mapping its keys so far and whether a key comes next.</summary>
    private sealed class Collection(string[] path, bool isMapping)
    {
        private readonly Dictionary<string, Mark> _keys = [];
        private int _items;
        private string? _key;

        public string[] Path { get; } = path;

        public bool IsMapping { get; } = isMapping;

        public bool ExpectsKey => IsMapping && _key is null;

        public Mark KeyMark { get; private set; } = Mark.Empty;

        /// <summary>Records a key; returns where it was first written when it is a repeat.</summary>
        public Mark? KeyRead(string key, Mark at)
        {
            _key = key;
            KeyMark = at;
            if (_keys.TryGetValue(key, out var first))
            {
                return first;
            }
            _keys[key] = at;
            return null;
        }

        /// <summary>The path of the value about to be read: under the last key, or the next list item.</summary>
        public string[] ChildPath() => [.. Path, IsMapping ? _key! : $"{Separator}{_items}"];

        public void ValueRead()
        {
            if (IsMapping)
            {
                _key = null;
            }
            else
            {
                _items++;
            }
        }
    }
}

/// <summary>What a YAML file holds at a place.</summary>
public enum YamlShape
{
    /// <summary>Nothing: no such place, or an empty value (nothing written, <c>~</c>, <c>null</c>).</summary>
    Nothing,

    /// <summary>A single value.</summary>
    Value,

    /// <summary>A list.</summary>
    List,

    /// <summary>A mapping of keys to values.</summary>
    Mapping,
}
