using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class ReconfigQueueTests
{
    [Test]
    public async Task Announcements_are_all_kept_in_arrival_order_and_waiting_reconciles_merge()
    {
        var queue = new ReconfigQueue();
        var first = new SwitchMasterEvent(G1, At("a:1"), At("b:1"));
        var second = new SwitchMasterEvent(G2, At("c:2"), At("d:2"));

        queue.RequestReconcile("start-up");
        queue.Post(new ReconfigWork.SwitchMasterReceived(first, "node22-sentinel"));
        queue.RequestReconcile("node23-sentinel connected");
        queue.Post(new ReconfigWork.SwitchMasterReceived(first, "node23-sentinel"));
        queue.Post(new ReconfigWork.SwitchMasterReceived(second, "node24-sentinel"));

        var work = await Take(queue, 4);

        Assert.That(work, Is.EqualTo(new ReconfigWork[]
        {
            new ReconfigWork.ReconcileRequested("start-up"),
            new ReconfigWork.SwitchMasterReceived(first, "node22-sentinel"),
            new ReconfigWork.SwitchMasterReceived(first, "node23-sentinel"),
            new ReconfigWork.SwitchMasterReceived(second, "node24-sentinel"),
        }));
    }

    [Test]
    public async Task A_reconcile_requested_after_the_waiting_one_started_is_queued_again()
    {
        var queue = new ReconfigQueue();
        queue.RequestReconcile("start-up");
        var started = await Take(queue, 1);

        queue.RequestReconcile("periodic");
        var next = await Take(queue, 1);

        Assert.Multiple(() =>
        {
            Assert.That(started, Is.EqualTo(new[] { new ReconfigWork.ReconcileRequested("start-up") }));
            Assert.That(next, Is.EqualTo(new[] { new ReconfigWork.ReconcileRequested("periodic") }));
        });
    }

    private static async Task<List<ReconfigWork>> Take(ReconfigQueue queue, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var taken = new List<ReconfigWork>();
        await foreach (var work in queue.ReadAllAsync(timeout.Token))
        {
            taken.Add(work);
            if (taken.Count == count)
            {
                break;
            }
        }
        return taken;
    }
}
