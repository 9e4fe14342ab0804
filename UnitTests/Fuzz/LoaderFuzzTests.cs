using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RedisHaLab.Playbooks;
using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Fuzz;

/// <summary>
/// Issue 21, part 6: both loaders and the command line fed random mutations of the shipped files and arguments. Each
/// call either succeeds or refuses with <c>file:line: ...</c> (InventoryException, ScenarioException, a list of
/// problems): never another exception, never a hang, never a file written outside the test's temp folder. The seed is
/// fixed (CI sees the same inputs every run) and printed on failure; <c>FUZZ_SEED=N</c> explores other inputs.
/// </summary>
[NonParallelizable]
public partial class LoaderFuzzTests
{
    private const int DefaultSeed = 20261205;
    private const int MutationsPerFile = 40;
    private const int CommandLines = 2000;

    // Far above what one load takes (milliseconds), low enough that a hang fails the run quickly.
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(5);

    private static readonly string[] OddNumbers =
        ["014555", "2:30", "0x10", "1e3", "-1", "99999999999", "٤٥٠٠", "0", "1_000", "+7", "0o17", ".5", "∞", "NaN", "1.5", "١٢"];

    private static readonly string[] OddBits =
        ["\0", "\t", "\r", "\u0085", "\u2028", "\uFEFF", "\u202E", "é", "🦆", "\u0007", "&a", "*a", "!!binary", "? ", "- ", ": ", "{", "]", "'", "\"", "#", "%YAML 1.2\n", "---\n", "...\n", "<<: *a", "~", "|", ">-"];

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    private static string TestDirectory => TestContext.CurrentContext.TestDirectory;

    private string _temp = "";

    [SetUp]
    public void CreateTempFolder()
    {
        _temp = Path.Combine(Path.GetTempPath(), "redis-ha-lab-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_temp);
    }

    [TearDown]
    public void RemoveTempFolder() => Directory.Delete(_temp, recursive: true);

    private static IEnumerable<string> Inventories() =>
        Directory.GetFiles(Path.Combine(TestDirectory, "inventories"), "*.yml").Order(StringComparer.Ordinal);

    private static IEnumerable<string> Playbooks() =>
        Directory.GetFiles(Path.Combine(TestDirectory, "scenarios"), "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Test]
    public void MutatedInventoriesLoadOrAreRefusedWithALine()
    {
        var files = Inventories().ToList();
        Assert.That(files, Has.Count.GreaterThan(0), "test setup: no inventories beside the tests");
        FuzzEach(files, "inventories", typeof(InventoryException), (path, _, _) => InventoryLoader.Load(path));
    }

    [Test]
    public void MutatedPlaybooksLoadAndValidateOrAreRefusedWithALine()
    {
        var files = Playbooks().ToList();
        Assert.That(files, Has.Count.GreaterThan(0), "test setup: no playbooks beside the tests");
        var labs = Inventories().ToDictionary(f => Path.GetFileName(f), InventoryLoader.Load, StringComparer.Ordinal);
        FuzzEach(files, "playbooks", typeof(ScenarioException), (path, index, text) =>
        {
            var playbook = ScenarioLoader.Load(path);
            // A playbook naming no shipped inventory is refused by the command line before validation.
            if (labs.TryGetValue(playbook.InventoryFile, out var lab))
            {
                ScenarioValidator.Validate(playbook, lab);
                // The command line's whole path too: it must turn every refusal into file:line lines.
                PlayCommandLine.LoadAll([path], _temp, lab, out var problems);
                foreach (var problem in problems)
                {
                    Assert.That(problem, Does.Match(@":\d+: "), Reproduce(path, index, text));
                }
            }
        });
    }

    /// <summary>
    /// Every mutation of every file of <paramref name="files"/>, written to the temp folder and given to
    /// <paramref name="check"/> (path, mutation index, text) within the bound; each must pass or be refused with
    /// <paramref name="refusal"/>, nothing may be written outside the temp folder, and most must be refused, or the
    /// fuzzer is not reaching the checks.
    /// </summary>
    private void FuzzEach(IReadOnlyList<string> files, string what, Type refusal, Action<string, int, string> check)
    {
        var before = Outside.Snapshot();
        var calls = 0;
        var refused = 0;
        foreach (var file in files)
        {
            foreach (var (index, text) in Mutations(file))
            {
                var path = WriteMutation(file, index, text);
                refused += Bounded(() => check(path, index, text), path, index, text, refusal) ? 1 : 0;
                calls++;
            }
        }
        Outside.AssertUnchanged(before, Seed);
        TestContext.Progress.WriteLine($"fuzz: {calls} mutated {what} from {files.Count} files, {refused} refused, seed {Seed}");
        Assert.That(refused, Is.GreaterThan(calls / 2), $"seed {Seed}");
    }

    [Test]
    public void RandomCommandLinesAreJudgedWithoutThrowing()
    {
        var random = new Random(Seed);
        var names = LabCommandLine.Own.Select(o => o.Name).Concat(LabCommandLine.Aspire)
            .Concat([LabCommandLine.ParameterPrefix + "redis-password", LabCommandLine.ParameterPrefix, "--", "-", "---", "--=", "--inventroy", "", "--Parameters:x:y"])
            .ToArray();
        string[] values = ["inventories/post-2016.yml", "true", "false", "swarm", "x", "", "=", "--", "../../etc", "\0", "🦆", "a=b", new string('v', 5000)];
        var before = Outside.Snapshot();
        for (var index = 0; index < CommandLines; index++)
        {
            var args = new List<string>();
            var count = random.Next(0, 8);
            for (var a = 0; a < count; a++)
            {
                var name = names[random.Next(names.Length)];
                switch (random.Next(5))
                {
                    case 0: args.Add(name); break;
                    case 1: args.Add(name); args.Add(values[random.Next(values.Length)]); break;
                    case 2: args.Add(name + "=" + values[random.Next(values.Length)]); break;
                    case 3: args.Add(values[random.Next(values.Length)]); break;
                    default: args.Add(Junk(random, random.Next(1, 12))); break;
                }
            }
            var shown = string.Join(" ", args.Select(a => $"[{Truncate(a, 40)}]"));
            IReadOnlyList<string>? problems = null;
            var task = Task.Run(() => problems = LabCommandLine.Problems(args));
            try
            {
                Assert.That(task.Wait(CallBound), Is.True, $"hang: seed {Seed}, command line {index}: {shown}");
            }
            catch (AggregateException e)
            {
                Assert.Fail($"LabCommandLine.Problems threw {e.InnerException!.GetType().Name}: seed {Seed}, command line {index}: {shown}\n{e.InnerException}");
            }
            Assert.That(problems, Is.Not.Null.And.All.Not.Empty, $"seed {Seed}, command line {index}: {shown}");
        }
        Outside.AssertUnchanged(before, Seed);
    }

    /// <summary>Runs <paramref name="call"/> within <see cref="CallBound"/>; it may succeed or throw only <paramref name="refusal"/> naming the file and a line.</summary>
    /// <returns>Whether the call refused the file.</returns>
    private static bool Bounded(Action call, string path, int index, string text, Type refusal)
    {
        var task = Task.Run(call);
        bool finished;
        try
        {
            finished = task.Wait(CallBound);
        }
        catch (AggregateException e)
        {
            var error = e.InnerException!;
            if (error is AssertionException)
            {
                throw error;
            }
            Assert.That(error.GetType(), Is.EqualTo(refusal), $"{error.GetType().Name} escaped: {Reproduce(path, index, text)}\n{error}");
            Assert.That(error.Message, Does.Contain(path + ":").And.Match(@":\d+: "), $"refusal without file:line: {Reproduce(path, index, text)}");
            // .NET's own wording (a type name) tells the user nothing they can fix.
            Assert.That(error.Message, Does.Not.Contain("System.").And.Not.Contain("RedisHaLab."), $"refusal in .NET's words: {Reproduce(path, index, text)}");
            return true;
        }
        Assert.That(finished, Is.True, $"hang (over {CallBound.TotalSeconds} s): {Reproduce(path, index, text)}");
        return false;
    }

    private static string Reproduce(string path, int index, string text) =>
        $"seed {Seed} (FUZZ_SEED), mutation {index} of {Path.GetFileName(path)}; text:\n{Truncate(text, 1500)}";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";

    /// <summary>Each mutation in its own folder under the file's own name: the inventory's name is its lab's name.</summary>
    private string WriteMutation(string original, int index, string text)
    {
        var folder = Path.Combine(_temp, $"{Path.GetFileNameWithoutExtension(original)}-{index}");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileName(original));
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary><see cref="MutationsPerFile"/> mutations of <paramref name="file"/>, from a random seeded by the seed and the file's name.</summary>
    private static IEnumerable<(int Index, string Text)> Mutations(string file)
    {
        var original = File.ReadAllText(file);
        var random = new Random(Seed ^ StableHash(Path.GetFileName(file)));
        for (var index = 0; index < MutationsPerFile; index++)
        {
            var text = original;
            // One to three mutations stacked: one alone mostly hits the first check that looks at it.
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                text = Mutate(text, random);
            }
            yield return (index, text);
        }
    }

    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var at = random.Next(lines.Count);
        switch (random.Next(11))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(at, lines[at]);
                break;
            case 2:
                var other = random.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            case 3 when text.Length > 0:
                var position = random.Next(text.Length);
                return text[..position] + (char)random.Next(32, 127) + text[(position + 1)..];
            case 4:
                var insertAt = random.Next(text.Length + 1);
                return text[..insertAt] + Junk(random, random.Next(1, 6)) + text[insertAt..];
            case 5:
                var numbers = NumberPattern().Matches(text);
                if (numbers.Count == 0)
                {
                    break;
                }
                var number = numbers[random.Next(numbers.Count)];
                return text[..number.Index] + OddNumbers[random.Next(OddNumbers.Length)] + text[(number.Index + number.Length)..];
            case 6:
                return text[..random.Next(text.Length + 1)];
            case 7:
                // Deep nesting, block or flow; the loaders read the outline without recursion, so this must be a refusal.
                var depth = random.Next(50, 2000);
                lines.Insert(at, random.Next(2) == 0
                    ? string.Concat(Enumerable.Range(0, depth).Select(d => "\n" + new string(' ', d) + "k:")).TrimStart('\n')
                    : "deep: " + new string('[', depth) + new string(']', random.Next(depth + 1)));
                break;
            case 8:
                var line = lines[at];
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                lines[at] = (colon < 0 ? line : line[..(colon + 1)] + " ") + new string((char)random.Next('a', 'z' + 1), random.Next(1000, 100_000));
                break;
            case 9:
                lines.Insert(at, OddBits[random.Next(OddBits.Length)] + lines[at]);
                break;
            default:
                // Indentation shifted by one: the commonest hand-edit mistake in YAML.
                lines[at] = random.Next(2) == 0 ? " " + lines[at] : lines[at].TrimStart();
                break;
        }
        return string.Join('\n', lines);
    }

    private static string Junk(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(4) switch
            {
                0 => ((char)random.Next(0, 32)).ToString(),
                1 => ((char)random.Next(32, 127)).ToString(),
                2 => OddBits[random.Next(OddBits.Length)],
                _ => char.ConvertFromUtf32(random.Next(0x80, 0x2FFFF) is var c && c is >= 0xD800 and <= 0xDFFF ? 0xFFFD : c),
            });
        }
        return builder.ToString();
    }

    // string.GetHashCode differs per process; the seed must reproduce.
    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    [GeneratedRegex(@"\d+")]
    private static partial Regex NumberPattern();

    /// <summary>Cheap evidence that nothing was written outside the temp folder: the repository root's and <c>.lab</c>'s entries and times, and the test folder's.</summary>
    private static class Outside
    {
        public static IReadOnlyList<string> Snapshot()
        {
            var folders = new List<string> { TestDirectory };
            if (RepositoryRoot() is { } root)
            {
                folders.Add(root);
                folders.Add(Path.Combine(root, LabStateLayout.LabsFolder));
            }
            return folders.SelectMany(Describe).ToList();
        }

        public static void AssertUnchanged(IReadOnlyList<string> before, int seed) =>
            Assert.That(Snapshot(), Is.EqualTo(before), $"a file was written outside the temp folder (seed {seed})");

        private static IEnumerable<string> Describe(string folder)
        {
            if (!Directory.Exists(folder))
            {
                return [$"{folder}: absent"];
            }
            return Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal)
                .Prepend(folder)
                .Select(entry => $"{entry} {File.GetLastWriteTimeUtc(entry):O}");
        }

        private static string? RepositoryRoot()
        {
            for (var folder = new DirectoryInfo(TestDirectory); folder is not null; folder = folder.Parent)
            {
                if (Directory.Exists(Path.Combine(folder.FullName, "inventories")) && Directory.Exists(Path.Combine(folder.FullName, "Services")))
                {
                    return folder.FullName;
                }
            }
            return null;
        }
    }
}
