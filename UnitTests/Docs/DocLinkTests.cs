namespace RedisHaLab.UnitTests.Docs;

/// <summary>
/// Issue 22: the README is a front page and the rest lives in docs/, one folder down; every relative link and image
/// there must still lead to a file of the repository, and every <c>page.md#anchor</c> to a heading of that page.
/// </summary>
public class DocLinkTests
{
    /// <summary>The repository root: the folder that holds Lab.sln, found upwards from the tests' output folder.</summary>
    internal static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    private static string FindRoot(string folder) =>
        File.Exists(Path.Combine(folder, "Lab.sln")) ? folder
            : FindRoot(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder)) ?? throw new InvalidOperationException("Lab.sln not found above the tests"));

    /// <summary>README.md and every page under docs/, relative to the root.</summary>
    private static IEnumerable<string> Pages() =>
        new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    // Catches: a link or image left pointing where the README used to be (docs/x.png from inside docs/, AppHost/...
    // without ../, #anchor of a section that moved to another page).
    [TestCaseSource(nameof(Pages))]
    public void Every_relative_link_of_the_page_leads_to_a_file_and_heading(string page)
    {
        Assert.That(DocLinks.Problems(Root, page), Is.Empty);
    }

    // Catches: a front page that no longer links every docs page (a page nobody can find from the README).
    [Test]
    public void The_readme_links_every_page_of_docs()
    {
        var linked = DocLinks.Links(File.ReadAllText(Path.Combine(Root, "README.md"))).Select(l => l.Target.Split('#')[0]).ToHashSet();
        var pages = Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f));

        Assert.That(pages.Where(p => !linked.Contains(p)), Is.Empty, "docs pages the README does not link");
    }

    // Catches: a parser that finds nothing, so that every page passes whatever it links.
    [Test]
    public void The_parser_sees_links_images_and_references_but_not_code()
    {
        var page = """
            See [the topology](docs/topology.md#the-topology) and ![a picture](docs/x.png "title").
            A `[link](in-code.md)` is code, and so is this:
            ```sh
            echo [x](in-fence.md)
            ```
            [ref]: docs/ref.md
            <img src="docs/y.png">
            [out](https://example.invalid/page)
            """;

        Assert.That(DocLinks.Links(page).Select(l => (l.Line, l.Target)), Is.EqualTo(new[]
        {
            (1, "docs/topology.md#the-topology"), (1, "docs/x.png"), (6, "docs/ref.md"), (7, "docs/y.png"), (8, "https://example.invalid/page"),
        }));
    }

    // Catches: anchors computed otherwise than GitHub does (punctuation kept, code marks kept, repeats not numbered).
    [Test]
    public void Anchors_are_made_as_github_makes_them()
    {
        var page = """
            # Chaos: staging failures on purpose
            ## The post's checks, against this lab
            ### Why `tiebreaker=`
            ## Layout
            ## Layout
            ```sh
            # not a heading
            ```
            """;

        Assert.That(DocLinks.Anchors(page), Is.EquivalentTo(new[]
        {
            "chaos-staging-failures-on-purpose", "the-posts-checks-against-this-lab", "why-tiebreaker", "layout", "layout-1",
        }));
    }

    // Catches: a checker that reports nothing (a missing file, a missing heading, a path above the repository).
    [Test]
    public void A_missing_file_a_missing_heading_and_a_path_out_of_the_repository_are_each_reported_at_their_line()
    {
        var root = Directory.CreateTempSubdirectory("doc-links-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "a.md"), "# A page\n");
            File.WriteAllText(Path.Combine(root, "docs", "b.md"), """
                # B
                [fine](a.md#a-page) [fine too](#b) [moved](docs/a.md)
                [no such heading](a.md#b-page)
                [outside](../../etc/passwd)
                """);

            Assert.That(DocLinks.Problems(root, "docs/b.md"), Is.EqualTo(new[]
            {
                "docs/b.md:2: link 'docs/a.md' points to docs/docs/a.md, which does not exist; correct the path (it is relative to docs/)",
                "docs/b.md:3: link 'a.md#b-page' names #b-page, which no heading of docs/a.md makes; use one of #a-page",
                "docs/b.md:4: link '../../etc/passwd' leads out of the repository; link to a file inside it",
            }));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
