using System.Diagnostics;
using RedisHaLab.Reconfig;
using RedisHaLab.Topology;
using static RedisHaLab.UnitTests.Reconfig.Fixtures;

namespace RedisHaLab.UnitTests.Reconfig;

/// <summary>
/// The proxy's running record (<c>redis_14555.running.json</c>): its hash, its format, and the supervisor's writer of
/// it. The handshake on it (an apply confirmed by the hash) is in <see cref="ApplyPathTests"/>.
/// </summary>
public class RunningRecordTests
{
    // Catches: a hash of another encoding (a BOM, UTF-16) or upper-case hex: the supervisor's sha256sum would never match.
    [Test]
    public void The_hash_is_sha256sum_of_the_files_bytes()
    {
        Assert.That(NutcrackerRunningRecord.Sha256Of("abc"), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    // Catches: the reader and the format drifting apart (a field renamed on one side).
    [Test]
    public void A_record_reads_back_as_written()
    {
        var record = new NutcrackerRunningRecord(NutcrackerRunningRecord.Sha256Of("x"), 42, 1764957600123);

        Assert.That(record.Render(), Is.EqualTo($"{{\"config_sha256\":\"{record.ConfigSha256}\",\"pid\":42,\"accepting_since_unix_ms\":1764957600123}}\n"));
        Assert.That(NutcrackerRunningRecord.Parse(record.Render()), Is.EqualTo(record));
        Assert.That(record.Runs("x"), Is.True);
        Assert.That(record.Runs("x\n"), Is.False, "one byte more is another config");
    }

    // Catches: a broken record taken as one that names some config (an empty hash matched by nothing, or by accident).
    [TestCase("not json", "cannot be read")]
    [TestCase("[1]", "not a JSON object")]
    [TestCase("{\"pid\":1,\"accepting_since_unix_ms\":1}", "no config_sha256")]
    [TestCase("{\"config_sha256\":\"\",\"pid\":1,\"accepting_since_unix_ms\":1}", "is not 64 lower-case hex digits")]
    [TestCase("{\"config_sha256\":\"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\",\"pid\":1,\"accepting_since_unix_ms\":1}", "is not 64 lower-case hex digits")]
    [TestCase("{\"config_sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\"pid\":\"1\",\"accepting_since_unix_ms\":1}", "no pid")]
    public void A_malformed_record_is_refused_with_what_is_wrong(string json, string problem)
    {
        Assert.That(() => NutcrackerRunningRecord.Parse(json), Throws.TypeOf<FormatException>().With.Message.Contains(problem));
    }

    // Catches: the supervisor's record (compose_record, its sha256sum) and the service's reader drifting apart.
    [Test]
    [Platform(Exclude = "Win", Reason = "the supervisor is a bash script for a Linux container")]
    public void The_supervisors_record_of_a_config_file_carries_the_hash_the_service_computes()
    {
        var config = Path.Combine(Path.GetTempPath(), $"running-record-{Guid.NewGuid():N}.yml");
        var text = NutcrackerConfig.FromInventory(PostLab, password: null).Render();
        File.WriteAllText(config, text);
        try
        {
            var script = Path.Combine(TestContext.CurrentContext.TestDirectory, "containers", "twemproxy", "nutcracker-supervisor");
            var start = new ProcessStartInfo("bash", [script, "--record-of", config, "1234", "1764957600123"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.That(process.WaitForExit(TimeSpan.FromSeconds(20)), Is.True);
            Assert.That((process.ExitCode, error.Result), Is.EqualTo((0, "")));

            Assert.That(NutcrackerRunningRecord.Parse(output.Result), Is.EqualTo(new NutcrackerRunningRecord(NutcrackerRunningRecord.Sha256Of(text), 1234, 1764957600123)));
            Assert.That(output.Result, Is.EqualTo(NutcrackerRunningRecord.Parse(output.Result).Render()), "the same bytes, field for field");
        }
        finally
        {
            File.Delete(config);
        }
    }
}
