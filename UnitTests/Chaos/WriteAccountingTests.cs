using RedisHaLab.Load;



namespace RedisHaLab.UnitTests.Chaos;

/// <summary>Counting a lane's writes against what the shard's settled master holds: each key written twice, values the write numbers.</summary>
public class WriteAccountingTests
{
    private static LaneWrite Ack(long n) => new(n, $"k:{n / 2}", WriteOutcome.Acknowledged);

    private static LaneWrite Open(long n) => new(n, $"k:{n / 2}", WriteOutcome.Indeterminate);

    private static LaneWrite Refused(long n) => new(n, $"k:{n / 2}", WriteOutcome.Failed);

    private static Dictionary<string, string?> Holding(params (string Key, string? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    [Test]
    public void A_key_holding_its_last_acknowledged_value_loses_nothing()
    {
        var tally = WriteAccounting.Count([Ack(0), Ack(1)], Holding(("k:0", "1")));

        Assert.That((tally.Acknowledged, tally.Lost, tally.RolledBack), Is.EqualTo((2, 0, 0)));
    }

    [Test]
    public void A_key_holding_the_first_value_after_the_second_was_acknowledged_is_rolled_back()
    {
        var tally = WriteAccounting.Count([Ack(0), Ack(1)], Holding(("k:0", "0")));

        Assert.That((tally.Lost, tally.RolledBack), Is.EqualTo((0, 1)));
        Assert.That(tally.FirstLost, Is.EqualTo(new[] { "k:0" }));
    }

    [Test]
    public void A_missing_key_loses_both_acknowledged_writes()
    {
        var tally = WriteAccounting.Count([Ack(0), Ack(1), Ack(2), Ack(3)], Holding(("k:0", null), ("k:1", "3")));

        Assert.That((tally.Lost, tally.RolledBack), Is.EqualTo((2, 0)));
        Assert.That(tally.FirstLost, Is.EqualTo(new[] { "k:0" }));
    }

    [Test]
    public void A_value_this_load_never_wrote_to_the_key_counts_as_lost()
    {
        // 2 is a write number of another key (k:1): found under k:0 it proves nothing about k:0's writes.
        var tally = WriteAccounting.Count([Ack(0), Ack(1), Ack(2)], Holding(("k:0", "2"), ("k:1", "2")));

        Assert.That(tally.Lost, Is.EqualTo(2));
    }

    [Test]
    public void A_later_write_of_the_key_keeps_an_earlier_acknowledged_one()
    {
        var tally = WriteAccounting.Count([Ack(0), Open(1)], Holding(("k:0", "1")));

        Assert.That((tally.Lost, tally.RolledBack, tally.IndeterminateApplied), Is.EqualTo((0, 0, 1)));
    }

    [Test]
    public void An_indeterminate_write_is_applied_only_when_its_own_value_is_there()
    {
        var tally = WriteAccounting.Count([Open(0), Ack(1), Open(2), Open(3)], Holding(("k:0", "1"), ("k:1", "2")));

        Assert.That((tally.Indeterminate, tally.IndeterminateApplied), Is.EqualTo((3, 1)));
    }

    [Test]
    public void A_failed_write_found_applied_is_reported()
    {
        var tally = WriteAccounting.Count([Refused(0), Refused(1)], Holding(("k:0", "1")));

        Assert.That((tally.Failed, tally.FailedApplied, tally.Lost), Is.EqualTo((2, 1, 0)));
    }

    [Test]
    public void At_most_ten_lost_keys_are_named_in_write_order()
    {
        var writes = Enumerable.Range(0, 40).Select(n => Ack(n)).ToList();

        var tally = WriteAccounting.Count(writes, Holding());

        Assert.That(tally.Lost, Is.EqualTo(40));
        Assert.That(tally.FirstLost, Is.EqualTo(Enumerable.Range(0, WriteAccounting.NamedLost).Select(k => $"k:{k}")));
    }
}
