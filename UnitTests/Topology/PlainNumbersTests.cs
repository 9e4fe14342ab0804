using RedisHaLab.Topology;

namespace RedisHaLab.UnitTests.Topology;

/// <summary>The one reader of whole numbers in the lab's files: digits 0-9 only, each other form refused with its reason.</summary>
public class PlainNumbersTests
{
    [TestCase("0", 0)]
    [TestCase("7", 7)]
    [TestCase("14555", 14555)]
    [TestCase("2147483647", int.MaxValue)]
    public void Plain_digits_read_as_themselves(string text, int expected)
    {
        Assert.That(PlainNumbers.TryParse(text, 0, int.MaxValue, out var value, out var why), Is.True, why);
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase("014555", "starts with 0, which YAML 1.1 reads as octal (014555 is 6509)")]
    [TestCase("09", "starts with 0; write it without the leading zeros")]
    [TestCase("2:30", "is a base-60 number in YAML 1.1 (2:30 is 150)")]
    [TestCase("0x10", "is written in hexadecimal")]
    [TestCase("0o17", "is written in octal")]
    [TestCase("0b101", "is written in binary")]
    [TestCase("1.5", "has a fraction or an exponent")]
    [TestCase("1E3", "has a fraction or an exponent")]
    [TestCase("+5", "has a sign")]
    [TestCase("-5", "has a sign")]
    [TestCase("1_000", "has '_' between its digits")]
    [TestCase("\u0661\u0662", "holds the digit U+0661")]
    [TestCase("\uFF11", "holds the digit U+FF11")]
    [TestCase("", "is empty")]
    [TestCase(" 5", "is not a whole number")]
    [TestCase("five", "is not a whole number")]
    [TestCase("2147483648", "is out of range; use 0-2147483647")]
    [TestCase("99999999999999999999999", "is out of range; use 0-2147483647")]
    public void Every_other_form_is_refused_with_its_reason(string text, string reason)
    {
        Assert.That(PlainNumbers.TryParse(text, 0, int.MaxValue, out _, out var why), Is.False);
        Assert.That(why, Does.StartWith(reason));
    }

    [TestCase("1023", 1024, 65535, "is out of range; use 1024-65535")]
    [TestCase("65536", 1024, 65535, "is out of range; use 1024-65535")]
    public void A_number_outside_its_range_is_refused(string text, int least, int most, string reason)
    {
        Assert.That(PlainNumbers.TryParse(text, least, most, out _, out var why), Is.False);
        Assert.That(why, Is.EqualTo(reason));
    }
}
