using RedisHaLab.Reconfig;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

public class MajorityVoteTests
{
    private static readonly MasterAddress Old = At("node22-redis-4500:4500");
    private static readonly MasterAddress New = At("node24-redis-4500:4500");

    [Test]
    public void All_Sentinels_agreeing_decide()
    {
        var decision = MajorityVote.Decide([Says("s22", New), Says("s23", New), Says("s24", New)], sentinelCount: 3);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Master, Is.EqualTo(New));
            Assert.That(decision.Votes, Is.EqualTo(3));
            Assert.That(decision.Needed, Is.EqualTo(2));
        });
    }

    [Test]
    public void Two_of_three_outvote_a_Sentinel_that_has_not_caught_up()
    {
        var decision = MajorityVote.Decide([Says("s22", Old), Says("s23", New), Says("s24", New)], 3);

        Assert.That(decision.Master, Is.EqualTo(New));
    }

    [Test]
    public void Two_of_three_decide_while_the_third_is_unreachable()
    {
        var decision = MajorityVote.Decide([Unreachable("s22"), Says("s23", New), Says("s24", New)], 3);

        Assert.That(decision.Master, Is.EqualTo(New));
    }

    [Test]
    public void One_reachable_Sentinel_is_not_a_majority_of_three_even_though_it_is_all_that_answered()
    {
        var decision = MajorityVote.Decide([Unreachable("s22"), Unreachable("s23"), Says("s24", Old)], 3);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Master, Is.Null);
            Assert.That(decision.Votes, Is.EqualTo(1));
            Assert.That(decision.Summary, Does.Contain("s22 unreachable").And.Contain("s24 says node22-redis-4500:4500"));
        });
    }

    [Test]
    public void A_three_way_split_decides_nothing()
    {
        var decision = MajorityVote.Decide([Says("s22", Old), Says("s23", New), Says("s24", At("node23-redis-4500:4500"))], 3);

        Assert.That(decision.Master, Is.Null);
    }

    [Test]
    public void A_tie_decides_nothing()
    {
        var decision = MajorityVote.Decide([Says("a", Old), Says("b", Old), Says("c", New), Says("d", New)], 4);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Master, Is.Null);
            Assert.That(decision.Needed, Is.EqualTo(3));
        });
    }

    [Test]
    public void Three_of_five_decide_and_two_two_one_does_not()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MajorityVote.Decide([Says("a", New), Says("b", New), Says("c", New), Unreachable("d"), Says("e", Old)], 5).Master,
                Is.EqualTo(New));
            Assert.That(MajorityVote.Decide([Says("a", New), Says("b", New), Says("c", Old), Says("d", Old), Unreachable("e")], 5).Master,
                Is.Null);
        });
    }

    [Test]
    public void No_answer_at_all_decides_nothing()
    {
        var decision = MajorityVote.Decide([], 3);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Master, Is.Null);
            Assert.That(decision.Votes, Is.Zero);
            Assert.That(decision.Summary, Is.EqualTo("no Sentinel answered"));
        });
    }

    [Test]
    public void Sentinels_that_do_not_monitor_the_master_do_not_vote()
    {
        var decision = MajorityVote.Decide([SentinelAnswer.Unknown("s22"), SentinelAnswer.Unknown("s23"), Says("s24", New)], 3);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Master, Is.Null);
            Assert.That(decision.Summary, Does.Contain("s22 does not monitor it"));
        });
    }

    [Test]
    public void A_Sentinel_asked_twice_still_has_one_vote()
    {
        var decision = MajorityVote.Decide([Says("s24", New), Says("s24", New)], 3);

        Assert.That(decision.Master, Is.Null);
    }

    [Test]
    public void Answers_differing_only_in_host_name_case_are_one_master()
    {
        var decision = MajorityVote.Decide([Says("s23", New), Says("s24", At("NODE24-REDIS-4500:4500"))], 3);

        Assert.That(decision.Master, Is.EqualTo(New));
    }

    [Test]
    public void An_inventory_without_Sentinels_is_a_programming_error()
    {
        Assert.That(() => MajorityVote.Decide([], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // Catches: the majority vouching for the highest epoch among it, which one Sentinel alone could then raise.
    [Test]
    public void The_majority_vouches_for_the_lowest_epoch_among_those_naming_the_master()
    {
        var decision = MajorityVote.Decide(
            [SentinelAnswer.Named("s22", New, 9), SentinelAnswer.Named("s23", New, 3), SentinelAnswer.Named("s24", Old, 2)], 3);

        Assert.That(decision.ConfigEpoch, Is.EqualTo(3));
    }

    private static SentinelAnswer Says(string sentinel, MasterAddress master) => SentinelAnswer.Named(sentinel, master, 1);

    private static SentinelAnswer Unreachable(string sentinel) => SentinelAnswer.Unreachable(sentinel, "not connected");
}
