using StackExchange.Redis;

namespace RedisHaLab.UnitTests.Chaos;

/// <summary>
/// StackExchange.Redis's exceptions built as the client raises them: from 3.x it records the command's flags and, for a
/// server error, the kind it reads from the reply's prefix (the constructors without them are obsolete).
/// </summary>
internal static class RedisErrors
{
    public static RedisServerException Server(string message) => new(KindOf(message), CommandFlags.None, message);

    public static RedisTimeoutException Timeout(string message, CommandStatus status) => new(CommandFlags.None, message, status);

    public static RedisConnectionException Connection(ConnectionFailureType failure, string message, CommandStatus status = CommandStatus.Unknown) =>
        new(failure, CommandFlags.None, message, null, status);

    // Only the prefixes these tests use; the classification under test reads the message, not the kind.
    private static RedisErrorKind KindOf(string message) => message.Split(' ')[0] switch
    {
        "READONLY" => RedisErrorKind.ReadOnly,
        "NOREPLICAS" => RedisErrorKind.NoReplicas,
        "ERR" => RedisErrorKind.UnknownError,
        _ => RedisErrorKind.Unknown,
    };
}
