using System.Globalization;

namespace RedisHaLab.Topology;

/// <summary>
/// Whole numbers as the lab's files must write them: ASCII digits only, no sign, no leading zero. YAML 1.1, which
/// YamlDotNet follows, reads <c>014555</c> as octal (6509), <c>2:30</c> as base 60 (150), <c>0x10</c> as hex and
/// <c>1_000</c> as 1000, so a port or a timeout written so is silently another number; every number an inventory or a
/// playbook holds is read here instead, from its text, and each such form is refused with its reason.
/// </summary>
public static class PlainNumbers
{
    /// <summary>
    /// Reads <paramref name="text"/> as a whole number from <paramref name="least"/> to <paramref name="most"/>; when it
    /// is not one, <paramref name="why"/> says what is wrong with it, to follow the value in a message (e.g. <c>is
    /// written in octal ...</c>).
    /// </summary>
    public static bool TryParse(string text, int least, int most, out int value, out string why)
    {
        value = 0;
        why = Reason(text) ?? "";
        if (why.Length > 0)
        {
            return false;
        }
        // Plain digits now; more than ten of them is out of any int range, and long holds ten.
        if (text.Length > 10 || long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is var number && (number < least || number > most))
        {
            why = $"is out of range; use {least.ToString(CultureInfo.InvariantCulture)}-{most.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }
        value = (int)number;
        return true;
    }

    /// <summary>What keeps <paramref name="text"/> from being plain digits, or null when it is.</summary>
    private static string? Reason(string text)
    {
        if (text.Length == 0)
        {
            return "is empty; write a whole number";
        }
        if (text.All(char.IsAsciiDigit))
        {
            return text.Length < 2 || text[0] != '0' ? null
                : Octal(text) is { } octal ? $"starts with 0, which YAML 1.1 reads as octal ({text} is {octal}); write it without the leading zeros"
                : "starts with 0; write it without the leading zeros";
        }
        if (text.FirstOrDefault(c => char.IsDigit(c) && !char.IsAsciiDigit(c)) is var digit and not '\0')
        {
            return $"holds the digit U+{(int)digit:X4}, which is not one of 0-9; write it with ASCII digits 0-9";
        }
        var lower = text.ToLowerInvariant();
        return lower switch
        {
            _ when lower.StartsWith("0x", StringComparison.Ordinal) => "is written in hexadecimal; write it in decimal digits 0-9",
            _ when lower.StartsWith("0o", StringComparison.Ordinal) => "is written in octal; write it in decimal digits 0-9",
            _ when lower.StartsWith("0b", StringComparison.Ordinal) => "is written in binary; write it in decimal digits 0-9",
            _ when text.Contains(':') => "is a base-60 number in YAML 1.1 (2:30 is 150); write the whole number it means in digits 0-9",
            _ when text.Contains('_') => "has '_' between its digits; write the digits alone",
            _ when text[0] is '+' or '-' => "has a sign; write the digits alone (a positive whole number)",
            _ when double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _) =>
                "has a fraction or an exponent; a whole number belongs here, in digits 0-9",
            _ => "is not a whole number; write it in digits 0-9",
        };
    }

    /// <summary>What YAML 1.1 makes of digits after a leading zero, or null when they are not octal (or too long to matter).</summary>
    private static string? Octal(string text)
    {
        long value = 0;
        foreach (var c in text)
        {
            if (c > '7' || value > int.MaxValue)
            {
                return null;
            }
            value = (value * 8) + (c - '0');
        }
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
