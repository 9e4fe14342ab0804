using RedisHaLab.ClientMatrix;

namespace RedisHaLab.UnitTests.ClientMatrix;

/// <summary>
/// How the matrix judges one client's operations: what counts as an outage, a hung request, a stale or lost read, and
/// an acknowledged write lost once the shard settled. Times in milliseconds.
/// </summary>
public class ClientVerdictTests
{
    private static ClientOperation Set(string key, long seq, double start, double? end, bool ok = true) => new("set", key, seq, start, end, ok);

    private static ClientOperation Get(string key, long seq, double start, double end, string? value) => new("get", key, seq, start, end, true, value);

    private static ClientOperation Failed(string op, string key, long seq, double start, double end) => new(op, key, seq, start, end, false, Error: "RedisConnectionException");

    private static readonly Dictionary<string, string?> Nothing = [];

    [Test]
    public void An_outage_runs_from_the_start_of_the_first_failure_to_the_end_of_the_next_success()
    {
        ClientOperation[] operations =
        [
            Set("k", 1, 0, 2),
            Failed("set", "k", 2, 100, 150),
            Failed("set", "k", 3, 200, 2200),
            Set("k", 4, 3000, 3004),
            Set("k", 5, 3100, 3102),
        ];

        Assert.That(ClientVerdict.LongestOutage(operations), Is.EqualTo(2904));
    }

    [Test]
    public void A_late_answer_is_no_service_and_an_unanswered_request_is_hung()
    {
        ClientOperation[] operations =
        [
            Set("k", 1, 0, 600),
            Set("k", 2, 700, 702),
            Set("k", 3, 800, null, ok: false),
            Set("k", 4, 900, 6000),
            Set("k", 5, 1000, 1003),
        ];

        var verdict = ClientVerdict.Of(operations, new Dictionary<string, string?> { ["k"] = "5" });

        Assert.That(verdict.Hung, Is.EqualTo(2), "unanswered, and answered after 5 s");
        Assert.That(verdict.Errors, Is.Zero, "a hung request is not counted as an error too");
        Assert.That(verdict.LongestOutageMs, Is.EqualTo(702), "the late answer began one at 0, ended at 702; the next ran from 800 to 1003");
    }

    [Test]
    public void Requests_left_unanswered_at_the_end_are_an_outage_up_to_the_last_answer()
    {
        ClientOperation[] operations = [Set("k", 1, 0, 2), Set("k", 2, 100, null, ok: false), Set("k", 3, 150, 4000, ok: false)];

        Assert.That(ClientVerdict.LongestOutage(operations), Is.EqualTo(3900));
    }

    [Test]
    public void A_read_of_another_value_after_its_write_was_acknowledged_is_stale_and_a_read_of_nothing_is_lost()
    {
        ClientOperation[] operations =
        [
            Set("1:p", 1, 0, 5), Get("1:p", 1, 10, 15, "0"),
            Set("2:p", 2, 20, 25), Get("2:p", 2, 30, 35, "2"),
            Set("3:p", 3, 40, 45), Get("3:p", 3, 50, 55, null),
            // Sent before its write was acknowledged: no claim either way.
            Set("4:p", 4, 60, 75), Get("4:p", 4, 70, 80, null),
        ];

        var verdict = ClientVerdict.Of(operations, new Dictionary<string, string?> { ["1:p"] = "1", ["2:p"] = "2", ["3:p"] = "3", ["4:p"] = "4" });

        Assert.That((verdict.StaleReads, verdict.LostReads), Is.EqualTo((1, 1)));
    }

    [Test]
    public void An_acknowledged_write_whose_key_does_not_hold_its_value_on_the_settled_master_is_lost()
    {
        ClientOperation[] operations =
        [
            Set("1:p", 1, 0, 5),
            Set("2:p", 2, 0, 5),
            Set("3:p", 3, 0, 5),
            Set("4:p", 4, 10, null, ok: false),
            Failed("set", "5:p", 5, 0, 5),
        ];

        var verdict = ClientVerdict.Of(operations, new Dictionary<string, string?> { ["1:p"] = "1", ["2:p"] = null, ["3:p"] = "0", ["4:p"] = "4" });

        Assert.Multiple(() =>
        {
            Assert.That(verdict.AcknowledgedWritesLost, Is.EqualTo(2), "2:p is gone, 3:p holds another value; 4:p landing unacknowledged loses nothing");
            Assert.That(verdict.WritesAcknowledged, Is.EqualTo(3), "4:p and 5:p were never acknowledged");
            Assert.That(verdict.Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_key_never_read_on_its_settled_master_counts_as_lost()
    {
        var verdict = ClientVerdict.Of([Set("a", 1, 0, 5)], Nothing);

        Assert.That(verdict.AcknowledgedWritesLost, Is.EqualTo(1));
    }

    [Test]
    public void A_client_line_is_read_back_as_printed_and_other_output_is_not_an_operation()
    {
        var printed = new ClientOperation("get", "matrix:1:0:7", 12, 1733456789012.5, 1733456789015.25, true, "12");

        Assert.That(ClientOperation.FromLine(printed.ToLine()), Is.EqualTo(printed));
        Assert.That(ClientOperation.FromLine("""{"op":"set","key":"k","seq":3,"start":1,"end":null,"ok":false,"error":"no answer within 5 s"}"""),
            Is.EqualTo(new ClientOperation("set", "k", 3, 1, null, false, Error: "no answer within 5 s")), "the redis-cli client's line");
        Assert.That(ClientOperation.FromLine("StackExchange.Redis 3.4.35.0: front door for 900 s"), Is.Null);
        Assert.That(ClientOperation.FromLine("{not json"), Is.Null);
    }
}
