using System.Threading.Channels;

namespace RedisHaLab.Reconfig;

/// <summary>Something for the reconfiguration loop to do.</summary>
internal abstract record ReconfigWork
{
    private ReconfigWork()
    {
    }

    /// <summary>A Sentinel announced a failover.</summary>
    public sealed record SwitchMasterReceived(SwitchMasterEvent SwitchMaster, string Sentinel) : ReconfigWork;

    /// <summary>Compare the proxy config with what a majority of Sentinels say; <see cref="Reason"/> is for the log.</summary>
    public sealed record ReconcileRequested(string Reason) : ReconfigWork;
}

/// <summary>
/// The one line every reconfiguration waits in: a single reader takes the work one item at a time, so two
/// announcements of the same failover can never interleave their writes of the proxy config.
/// </summary>
internal sealed class ReconfigQueue
{
    private readonly Channel<ReconfigWork> _channel = Channel.CreateUnbounded<ReconfigWork>(new UnboundedChannelOptions { SingleReader = true });
    private int _reconcileQueued;

    /// <summary>Queues a failover announcement; every one is kept, in arrival order.</summary>
    public void Post(ReconfigWork.SwitchMasterReceived work) => _channel.Writer.TryWrite(work);

    /// <summary>Queues a reconcile unless one is already waiting: a waiting one will see everything the new request would.</summary>
    public void RequestReconcile(string reason)
    {
        if (Interlocked.Exchange(ref _reconcileQueued, 1) == 0)
        {
            _channel.Writer.TryWrite(new ReconfigWork.ReconcileRequested(reason));
        }
    }

    /// <summary>The work, in order, until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<ReconfigWork> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var work in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            if (work is ReconfigWork.ReconcileRequested)
            {
                // Cleared as the reconcile starts, not when it ends: a Sentinel that reconnects meanwhile may know
                // something this pass has already asked about, so it gets a pass of its own.
                Interlocked.Exchange(ref _reconcileQueued, 0);
            }
            yield return work;
        }
    }
}
