using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedisHaLab.FailoverBenchmark;

/// <summary>A reply of the kinds GET and SET get: a status, an error, a bulk string or nil.</summary>
internal readonly record struct RespReply(RespReplyKind Kind, string? Text);

/// <summary>Kinds of reply.</summary>
internal enum RespReplyKind { Status, Error, Integer, Bulk, Nil }

/// <summary>The connection was closed or reset by the other side, or failed on the way.</summary>
internal sealed class RespConnectionLostException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// One plain TCP connection speaking just enough RESP for the load: one command at a time, one reply each.
/// </summary>
/// <remarks>
/// The load uses this rather than a full client on purpose: the outage it measures must be the lab's, not a client
/// library's reconnect back-off, heartbeat or command queue. This client reconnects at the next operation, sends
/// nothing twice and never queues.
/// </remarks>
internal sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RespConnection(Socket socket) => _socket = socket;

    /// <summary>Connects within <paramref name="cancellationToken"/>'s time, and logs in when <paramref name="password"/> is given.</summary>
    /// <exception cref="RespConnectionLostException">The server refused the password.</exception>
    public static async Task<RespConnection> ConnectAsync(IPEndPoint endpoint, string? password, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            var connection = new RespConnection(socket);
            // Part of connecting, as a client library's handshake is: the load's first command is then a real one.
            if (password is not null && await connection.ExecuteAsync(Encode("AUTH", password), cancellationToken) is { Kind: RespReplyKind.Error } refused)
            {
                throw new RespConnectionLostException($"AUTH refused: {refused.Text}");
            }
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when the other side has closed the connection (or reset it) while it was idle: a read would return at once
    /// with nothing. A client checks this before sending, so a request is never written into a dead connection.
    /// </summary>
    public bool ClosedByPeer
    {
        get
        {
            try
            {
                return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
            }
            catch (SocketException)
            {
                return true;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>Encodes a command as a RESP array of bulk strings.</summary>
    public static byte[] Encode(params string[] parts)
    {
        var builder = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Sends <paramref name="request"/> and reads its one reply.</summary>
    /// <exception cref="RespConnectionLostException">The connection closed or failed; whether the command ran is unknown.</exception>
    /// <exception cref="OperationCanceledException">The reply did not come in time.</exception>
    public async Task<RespReply> ExecuteAsync(byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length == 0)
            {
                throw new RespConnectionLostException("empty reply line");
            }
            var text = line[1..];
            switch (line[0])
            {
                case '+':
                    return new RespReply(RespReplyKind.Status, text);
                case '-':
                    return new RespReply(RespReplyKind.Error, text);
                case ':':
                    return new RespReply(RespReplyKind.Integer, text);
                case '$':
                    var length = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return new RespReply(RespReplyKind.Nil, null);
                    }
                    var bytes = await ReadExactAsync(length + 2, cancellationToken);
                    return new RespReply(RespReplyKind.Bulk, Encoding.UTF8.GetString(bytes, 0, length));
                default:
                    throw new RespConnectionLostException($"unexpected reply type '{line[0]}'");
            }
        }
        catch (SocketException e)
        {
            throw new RespConnectionLostException(e.SocketErrorCode.ToString(), e);
        }
        catch (ObjectDisposedException e)
        {
            throw new RespConnectionLostException("connection disposed", e);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(span[..newline]);
                _start += newline + 2;
                return line;
            }
            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }
            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new RespConnectionLostException("reply larger than the buffer");
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new RespConnectionLostException("closed by the other side");
        }
        _end += read;
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}
