using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedisHaLab.Topology;

namespace RedisHaLab.ModelTests;

/// <summary>
/// The AppHost's model of one inventory, built once per fixture the way Aspire builds it before anything starts, and
/// looked into by resource name.
/// </summary>
public abstract class AppHostModelFixture(string inventoryFile)
{
    /// <summary>The model, never started.</summary>
    protected IDistributedApplicationTestingBuilder builder = null!;

    /// <summary>The inventory the model was built from.</summary>
    protected Inventory inventory = null!;

    /// <summary>The inventory file's full path.</summary>
    protected string InventoryPath { get; } = Path.Combine(Repository.Root, "inventories", inventoryFile);

    [OneTimeSetUp]
    public async Task BuildModel()
    {
        var path = InventoryPath;
        inventory = InventoryLoader.Load(path);
        builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--inventory", path]);
    }

    [OneTimeTearDown]
    public async Task Dispose() => await builder.DisposeAsync();

    /// <summary>The one resource of type <typeparamref name="T"/> named <paramref name="name"/>; fails the test naming all there are.</summary>
    protected T Resource<T>(string name) where T : IResource =>
        builder.Resources.OfType<T>().SingleOrDefault(r => r.Name == name)
        ?? throw new AssertionException($"no {typeof(T).Name} named {name}; resources: {string.Join(", ", builder.Resources.Select(r => $"{r.Name} ({r.GetType().Name})"))}");
}
