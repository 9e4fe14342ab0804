using System.Text.RegularExpressions;

namespace RedisHaLab.Topology;

/// <summary>What a lab password may be: it is written unquoted into redis.conf, sentinel.conf and nutcracker's YAML.</summary>
public static partial class LabPassword
{
    /// <summary>
    /// The AppHost's secret parameter that holds the password (<c>Parameters__redis-password</c>, or
    /// <c>--Parameters:redis-password=...</c> on its command line); no node may take its name.
    /// </summary>
    public const string ParameterName = "redis-password";

    /// <summary>The longest password the lab accepts (Redis takes longer ones; nobody types them).</summary>
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="password"/> cannot be the lab's password; null when it can.</summary>
    /// <remarks>
    /// Letters, digits, '-' and '_' only: a space, quote, '#' or line break would change what redis.conf and
    /// sentinel.conf read (a second directive, a comment), and ':' or a leading '-' what YAML reads. The value itself
    /// is never part of the message.
    /// </remarks>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "the password is empty; set Parameters__redis-password to letters and digits, or leave it unset for a generated one",
        { Length: > MaxLength } => $"the password is longer than {MaxLength} characters; set a shorter Parameters__redis-password",
        _ when !SafePattern().IsMatch(password) =>
            "the password may only hold letters, digits, '-' and '_' (it is written unquoted into redis.conf, sentinel.conf and " +
            "twemproxy's YAML); set another Parameters__redis-password",
        _ => null,
    };

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_-]*\z")]
    private static partial Regex SafePattern();
}
