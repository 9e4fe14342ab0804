using RedisHaLab.Playbooks;



namespace RedisHaLab.UnitTests.Chaos;

public class DurationTextTests
{
    [TestCase("2500ms", 2500)]
    [TestCase("30s", 30_000)]
    [TestCase("1.5s", 1500)]
    [TestCase("2m", 120_000)]
    [TestCase(" 5 s ", 5000)]
    public void Reads_a_number_and_a_unit(string text, int milliseconds)
    {
        Assert.That(DurationText.TryParse(text, out var duration), Is.True);
        Assert.That(duration, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("30")]
    [TestCase("30 seconds")]
    [TestCase("-1s")]
    [TestCase("1h")]
    public void Refuses_anything_else(string text) => Assert.That(DurationText.TryParse(text, out _), Is.False);

    [TestCase(1500, "1500ms")]
    [TestCase(30_000, "30s")]
    [TestCase(90_000, "90s")]
    [TestCase(120_000, "2m")]
    public void Writes_what_it_reads(int milliseconds, string text)
    {
        Assert.That(DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(text));
        Assert.That(DurationText.TryParse(text, out var back) && back == TimeSpan.FromMilliseconds(milliseconds), Is.True);
    }
}
