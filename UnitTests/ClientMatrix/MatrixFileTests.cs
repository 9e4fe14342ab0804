using RedisHaLab.ClientMatrix;

namespace RedisHaLab.UnitTests.ClientMatrix;

/// <summary>The matrix file: the repository's own reads as documented, and a wrong one is refused at its line with the fix.</summary>
public class MatrixFileTests
{
    private static string Root => RedisHaLab.UnitTests.Docs.DocLinkTests.Root;

    private const string Scenarios = "scenarios: [kill-master-g1.yml]\n";

    [Test]
    public void The_repositorys_matrix_lists_the_clients_and_playbooks_of_the_issue()
    {
        var matrix = MatrixFile.Load(Root, Path.Combine(Root, "ClientMatrix", "clients.yml"), "ClientMatrix/clients.yml");

        Assert.That(matrix.Scenarios, Is.EquivalentTo(new[] { "kill-master-g1.yml", "switchover-g1.yml", "restart-the-proxy.yml", "partition-master-g2.yml" }));
        Assert.That(matrix.Clients.Select(c => c.Name), Has.Member("StackExchange.Redis 2.8.16").And.Member("redis-cli 7.0.15"));
        var sentinelAware = matrix.Clients.Single(c => c.Path == ClientPath.Sentinels);
        Assert.That(sentinelAware.Shard, Is.EqualTo("g1"));
        Assert.That(sentinelAware.Run, Is.EqualTo(new ClientLaunch.DotNet(MatrixFile.ProbeProject, "3.4.35")));
        Assert.That(matrix.Clients.Single(c => c.Name == "redis-cli 7.0.15").Run, Is.TypeOf<ClientLaunch.Container>());
    }

    [TestCase("clients:\n  - name: x\n    dotnet: latest\n", "line 3", "is not a StackExchange.Redis version", Description = "a version that is not one")]
    [TestCase("clients:\n  - name: x\n    dotnet: 2.8.16\n    image: redis-ha-lab/redis:7.0\n", "line 3", "exactly one of", Description = "two ways to run")]
    [TestCase("clients:\n  - name: x\n    image: i\n    command: [sh]\n    path: sentinels\n", "line 3", "front door only", Description = "a container following Sentinels")]
    [TestCase("clients:\n  - name: x\n    project: ../../etc/passwd.csproj\n", "line 3", "not a .csproj under the repository", Description = "a project outside the repository")]
    [TestCase("clients:\n  - name: x\n    image: i\n    command: [sh]\n    mount: ../..\n", "line 3", "is not a folder of ClientMatrix/", Description = "a mount outside the matrix's folder")]
    [TestCase("clients:\n  - name: x\n    dotnet: 2.8.16\n  - name: X\n    dotnet: 3.4.35\n", "line 5", "a second client named", Description = "one name twice")]
    [TestCase("clients:\n  - name: x\n    dotnet: 2.8.16\n    colour: blue\n", "line 5", "'colour' is not a key here", Description = "an unknown key")]
    public void A_wrong_client_is_refused_at_its_line_with_the_fix(string clients, string line, string message)
    {
        var refused = Assert.Throws<MatrixFileException>(() => MatrixFile.Parse(Root, Scenarios + clients, "clients.yml"));

        Assert.That(refused!.Message, Does.StartWith($"clients.yml {line}:").And.Contain(message));
    }

    [TestCase("scenarios: [../../scenarios/kill-master-g1.yml]\n", Description = "a path out of the folder")]
    [TestCase("scenarios: [no-such-playbook.yml]\n", Description = "a file that is not there")]
    public void A_playbook_that_is_not_a_file_of_the_matrixs_folder_is_refused(string scenarios)
    {
        var refused = Assert.Throws<MatrixFileException>(() => MatrixFile.Parse(Root, scenarios + "clients:\n  - name: x\n    dotnet: 2.8.16\n", "clients.yml"));

        Assert.That(refused!.Message, Does.StartWith("clients.yml line 1:").And.Contain("is not a file of ClientMatrix/scenarios/"));
    }

    [Test]
    public void Only_names_of_the_matrix_can_be_chosen()
    {
        var matrix = MatrixFile.Parse(Root, Scenarios + "clients:\n  - name: a\n    dotnet: 2.8.16\n  - name: b\n    dotnet: 3.4.35\n", "clients.yml");

        Assert.That(matrix.Only(null, ["b"]).Clients.Single().Name, Is.EqualTo("b"));
        Assert.That(() => matrix.Only(["switchover-g1.yml"], null), Throws.TypeOf<MatrixFileException>().With.Message.Contain("not a playbook of the matrix"));
    }
}
