using RedisHaLab.Load;
using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Chaos;

public class WriteOutcomesTests
{
    [TestCase("ERR Connection refused")]
    [TestCase("ERR Host is down")]
    [TestCase("ERR No route to host")]
    [TestCase("READONLY You can't write against a read only replica.")]
    [TestCase("NOREPLICAS Not enough good replicas to write.")]
    public void An_error_that_proves_the_write_never_reached_a_master_is_a_failure(string message) =>
        Assert.That(WriteOutcomes.Classify(RedisErrors.Server(message)), Is.EqualTo(WriteOutcome.Failed));

    [TestCase("ERR Connection reset by peer")]
    [TestCase("ERR Connection timed out")]
    public void Any_other_proxy_error_may_come_after_the_master_took_the_write(string message) =>
        Assert.That(WriteOutcomes.Classify(RedisErrors.Server(message)), Is.EqualTo(WriteOutcome.Indeterminate));

    [Test]
    public void A_timeout_is_indeterminate_once_the_command_was_sent_and_a_failure_before()
    {
        Assert.That(WriteOutcomes.Classify(RedisErrors.Timeout("Timeout awaiting response", CommandStatus.Sent)), Is.EqualTo(WriteOutcome.Indeterminate));
        Assert.That(WriteOutcomes.Classify(RedisErrors.Timeout("Timeout awaiting response", CommandStatus.WaitingToBeSent)), Is.EqualTo(WriteOutcome.Failed));
    }

    [Test]
    public void No_connection_to_the_proxy_may_still_have_sent_the_write()
    {
        // Counted at convergence, dozens of writes that failed so were found applied, their own values on the master:
        // the client raises this for writes already in its output when the proxy's connection dropped.
        var refused = RedisErrors.Connection(ConnectionFailureType.UnableToConnect,
            "No connection is active/available to service this operation: SET load:1");

        Assert.That(WriteOutcomes.Classify(refused), Is.EqualTo(WriteOutcome.Indeterminate));
    }

    [Test]
    public void A_connection_lost_with_the_command_on_the_wire_is_indeterminate()
    {
        var lost = RedisErrors.Connection(ConnectionFailureType.SocketClosed, "SocketClosed on 127.0.0.1:14555/Interactive", CommandStatus.Sent);

        Assert.That(WriteOutcomes.Classify(lost), Is.EqualTo(WriteOutcome.Indeterminate));
    }
}
