using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The repository's inventory files, copied beside the tests, and helpers to derive broken ones from them.</summary>
internal static class InventoryFiles
{
    public static string PostPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "post-2016.yml");

    public static string ThreeShardsPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "inventories", "three-shards.yml");

    public static string PostText => File.ReadAllText(PostPath);

    /// <summary>The post's inventory with one exact piece of text replaced; fails loudly if the piece is not there.</summary>
    public static string PostWith(string original, string replacement)
    {
        var text = PostText;
        Assert.That(text, Does.Contain(original), "test setup: the default inventory changed");
        return text.Replace(original, replacement);
    }

    /// <summary>1-based line of the first occurrence of <paramref name="fragment"/> in <paramref name="text"/>.</summary>
    public static int LineOf(string text, string fragment)
    {
        var index = text.IndexOf(fragment, StringComparison.Ordinal);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"test setup: '{fragment}' not found");
        return text[..index].Count(c => c == '\n') + 1;
    }

    /// <summary>
    /// Asserts that <paramref name="yaml"/> (as <c>bad.yml</c>) is refused with <paramref name="message"/> on the line of
    /// <paramref name="at"/>, the problem naming <paramref name="fix"/>, and no stack trace; returns the refusal.
    /// </summary>
    public static InventoryException Refused(string yaml, string at, string message, string fix)
    {
        var error = Fails(yaml);
        var line = LineOf(yaml, at);
        Assert.That(error.Message, Does.Contain($"bad.yml:{line}: {message}"));
        Assert.That(error.Problems.Single(p => p.Line == line && p.Message.StartsWith(message, StringComparison.Ordinal)).Message, Does.Contain(fix));
        Assert.That(error.Message, Does.Not.Contain("   at "), "no stack trace");
        return error;
    }

    /// <summary>The refusal of <paramref name="yaml"/> (as <c>bad.yml</c>); fails the test when it loads.</summary>
    public static InventoryException Fails(string yaml) =>
        Assert.Throws<InventoryException>(() => InventoryLoader.Parse(yaml, "bad.yml"))!;
}
