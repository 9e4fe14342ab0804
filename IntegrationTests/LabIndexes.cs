using RedisHaLab.Topology;

namespace RedisHaLab.IntegrationTests;

/// <summary>
/// Hands each fixture's lab an index of its own (<see cref="LabPlacement"/>: its loopback range, container names and
/// folder), so fixtures run side by side. Index 0 is never handed out: it is the lab a user runs by hand. Tests that
/// start the AppHost or the benchmark as a user does (<c>--play</c>) pass them an index from here (<c>--lab-index</c>).
/// </summary>
internal static class LabIndexes
{
    private static readonly Lock Gate = new();
    private static readonly SortedSet<int> Taken = [];

    /// <summary>Runs the first lab start alone (it may build the lab's images); once one start has passed, starts overlap.</summary>
    public static FirstStartGate FirstStart { get; } = new();

    /// <summary>The lowest index no running fixture holds.</summary>
    public static int Take()
    {
        lock (Gate)
        {
            for (var index = 1; index <= LabPlacement.MaxIndex; index++)
            {
                if (Taken.Add(index))
                {
                    return index;
                }
            }
        }
        throw new InvalidOperationException($"every lab index from 1 to {LabPlacement.MaxIndex} is taken; run fewer fixtures at once (LevelOfParallelism)");
    }

    /// <summary>Gives <paramref name="index"/> back once its lab is stopped and its containers are gone.</summary>
    public static void Return(int index)
    {
        lock (Gate)
        {
            Taken.Remove(index);
        }
    }
}

/// <summary>
/// Lets one start run alone until a start has succeeded: a cold machine's first start builds the lab's images, and two
/// starts at once would build them twice on two cores. After that, starts run side by side.
/// </summary>
internal sealed class FirstStartGate
{
    private readonly SemaphoreSlim _alone = new(1, 1);
    private volatile bool _passed;

    public async Task RunAsync(Func<Task> start) => await RunAsync(async () =>
    {
        await start();
        return true;
    });

    /// <summary>As <see cref="RunAsync(Func{Task})"/>, for a start that returns what it made.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> start)
    {
        if (_passed)
        {
            return await start();
        }
        await _alone.WaitAsync();
        try
        {
            var made = await start();
            _passed = true;
            return made;
        }
        finally
        {
            _alone.Release();
        }
    }
}
