using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace TlpGateway.Redis;

/// <summary>Redis could not answer: unreachable, too slow, or it said something the client cannot read.</summary>
internal sealed class RedisException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One RESP2 reply.</summary>
internal sealed record RespValue(char Kind, byte[]? Bulk, long Integer, string? Text, RespValue[]? Items)
{
    public bool IsNull => Kind is '$' or '*' && Bulk is null && Items is null;
}

/// <summary>
/// A small RESP2 client of the gateway's own (StackExchange.Redis cannot be restored here): one
/// connection, commands pipelined over it in order with replies matched first-in first-out, a
/// timeout per command, AUTH and optional TLS, and a reconnect with backoff after the connection is
/// lost. Only what the gateway needs; binary-safe keys and values.
/// </summary>
internal sealed partial class RespClient : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly RedisMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Connection? _connection;
    private DateTimeOffset _nextAttempt;
    private TimeSpan _backoff;

    public RespClient(RedisOptions options, TimeProvider timeProvider, ILogger logger, RedisMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _backoff = options.ReconnectBackoff;
    }

    /// <summary>Whether the last command found Redis answering.</summary>
    public bool IsConnected => _connection is { Faulted: false };

    public Task<RespValue> ExecuteAsync(string command, params byte[][] arguments) => ExecuteAsync(command, arguments, CancellationToken.None);

    public async Task<RespValue> ExecuteAsync(string command, byte[][] arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(arguments);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var reply = await SendAsync(command, arguments, cancellationToken);
            _metrics?.Command(command, "ok", _timeProvider.GetElapsedTime(started));
            return reply;
        }
        catch (RedisException)
        {
            _metrics?.Command(command, "failed", _timeProvider.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<RespValue> SendAsync(string command, byte[][] arguments, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        var pending = new TaskCompletionSource<RespValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var frame = Encode(command, arguments);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Enqueued and written under one lock, so replies come back in the order the queue holds.
            await connection.Pending.Writer.WriteAsync(pending, cancellationToken);
            await connection.Stream.WriteAsync(frame, cancellationToken);
            await connection.Stream.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
            // The connection may have failed before this command was queued: its reason is the answer.
            connection.Fail(new RedisException("Redis connection lost while writing.", ex));
            pending.TrySetException(connection.Error!);
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            var reply = await pending.Task.WaitAsync(_options.CommandTimeout, _timeProvider, cancellationToken);
            return reply.Kind == '-' ? throw new RedisException("Redis error: " + reply.Text) : reply;
        }
        catch (TimeoutException ex)
        {
            // A stalled Redis: the connection is out of step now, so it is dropped.
            connection.Fail(new RedisException("Redis did not answer in time.", ex));
            throw new RedisException("Redis did not answer in time.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            connection.Fail(new RedisException("The Redis client was disposed."));
            await connection.ReadLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _connectLock.Dispose();
        _writeLock.Dispose();
    }

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { Faulted: false } current)
        {
            return current;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { Faulted: false } raced)
            {
                return raced;
            }

            var now = _timeProvider.GetUtcNow();
            if (now < _nextAttempt)
            {
                throw new RedisException("Redis is unreachable; the next attempt is due at " + _nextAttempt.ToString("O", CultureInfo.InvariantCulture));
            }

            try
            {
                var connection = await OpenAsync(cancellationToken);
                _connection = connection;
                _backoff = _options.ReconnectBackoff;
                return connection;
            }
            catch (Exception ex) when (ex is IOException or SocketException or RedisException or System.Security.Authentication.AuthenticationException or OperationCanceledException or TimeoutException)
            {
                _nextAttempt = now + _backoff;
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
                LogConnectFailed(_logger, _options.Endpoint, ex.Message);
                throw ex as RedisException ?? new RedisException("Redis is unreachable: " + ex.Message, ex);
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var (stream, reader) = await OpenStreamAsync(_options, cancellationToken);
        var connection = new Connection(stream);
        connection.ReadLoop = connection.ReadRepliesAsync(reader);
        return connection;
    }

    /// <summary>
    /// A connection to Redis, TLS set up and AUTH answered, with the reader that holds anything
    /// already buffered from it. Shared by the command connection and the subscriber.
    /// </summary>
    internal static async Task<(Stream Stream, RespReader Reader)> OpenStreamAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        var (host, port) = options.HostAndPort();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        Stream stream;
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            if (options.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, timeout.Token);
                stream = tls;
            }

            var reader = new RespReader(stream, options.MaxBulkBytes);
            if (!string.IsNullOrEmpty(options.Password))
            {
                var auth = string.IsNullOrEmpty(options.User)
                    ? new[] { Encoding.UTF8.GetBytes(options.Password) }
                    : [Encoding.UTF8.GetBytes(options.User), Encoding.UTF8.GetBytes(options.Password)];
                await stream.WriteAsync(Encode("AUTH", auth), timeout.Token);
                await stream.FlushAsync(timeout.Token);
                var reply = await reader.ReadAsync().WaitAsync(options.CommandTimeout, timeout.Token);
                if (reply.Kind == '-')
                {
                    throw new RedisException("Redis refused the credentials: " + reply.Text);
                }
            }

            return (stream, reader);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    internal static byte[] Encode(string command, byte[][] arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + arguments.Sum(a => a.Length + 16));
        Write(buffer, $"*{arguments.Length + 1}\r\n${Encoding.UTF8.GetByteCount(command)}\r\n{command}\r\n");
        foreach (var argument in arguments)
        {
            Write(buffer, $"${argument.Length}\r\n");
            buffer.Write(argument);
            buffer.Write("\r\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string text) => buffer.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>One live connection: its stream, the replies it still owes, and the loop that reads them.</summary>
    private sealed class Connection(Stream stream)
    {
        public Stream Stream { get; } = stream;

        public Channel<TaskCompletionSource<RespValue>> Pending { get; } = Channel.CreateUnbounded<TaskCompletionSource<RespValue>>(new UnboundedChannelOptions { SingleReader = true });

        public Task ReadLoop { get; set; } = Task.CompletedTask;

        public bool Faulted { get; private set; }

        /// <summary>Why the connection failed.</summary>
        public RedisException? Error { get; private set; }

        public async Task ReadRepliesAsync(RespReader reader)
        {
            try
            {
                while (true)
                {
                    var reply = await reader.ReadAsync();
                    if (!Pending.Reader.TryRead(out var waiting))
                    {
                        throw new RedisException("Redis sent a reply nobody asked for.");
                    }

                    waiting.TrySetResult(reply);
                }
            }
            catch (Exception ex) when (ex is IOException or RedisException or ObjectDisposedException or SocketException)
            {
                Fail(ex as RedisException ?? new RedisException("Redis connection lost.", ex));
            }
        }

        public void Fail(RedisException error)
        {
            if (Faulted)
            {
                return;
            }

            Faulted = true;
            Error = error;
            Pending.Writer.TryComplete();
            while (Pending.Reader.TryRead(out var waiting))
            {
                waiting.TrySetException(error);
            }

            Stream.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoint} unreachable: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, string error);
}

/// <summary>Reads RESP2 replies from a stream; anything else is a protocol error, never a hang on garbage.</summary>
internal sealed class RespReader(Stream stream, long maxBulkBytes)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public async Task<RespValue> ReadAsync()
    {
        var line = await ReadLineAsync();
        if (line.Length == 0)
        {
            throw new RedisException("Redis sent an empty line.");
        }

        var kind = (char)line[0];
        var text = Encoding.UTF8.GetString(line, 1, line.Length - 1);
        switch (kind)
        {
            case '+':
            case '-':
                return new RespValue(kind, null, 0, text, null);
            case ':':
                return new RespValue(kind, null, ParseLength(text), null, null);
            case '$':
                var length = ParseLength(text);
                if (length < 0)
                {
                    return new RespValue(kind, null, 0, null, null);
                }

                if (length > maxBulkBytes)
                {
                    throw new RedisException($"Redis sent a value of {length} bytes, more than the bound of {maxBulkBytes}.");
                }

                var bulk = await ReadExactlyAsync((int)length + 2);
                if (bulk[^2] != '\r' || bulk[^1] != '\n')
                {
                    throw new RedisException("Redis sent a malformed bulk string.");
                }

                return new RespValue(kind, bulk[..^2], 0, null, null);
            case '*':
                var count = ParseLength(text);
                if (count < 0)
                {
                    return new RespValue(kind, null, 0, null, null);
                }

                if (count > 1_000_000)
                {
                    throw new RedisException("Redis sent an implausibly long array.");
                }

                var items = new RespValue[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync();
                }

                return new RespValue(kind, null, 0, null, items);
            default:
                throw new RedisException($"Redis sent '{kind}', which is not RESP.");
        }
    }

    private static long ParseLength(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RedisException("Redis sent a malformed number.");

    private async Task<byte[]> ReadLineAsync()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline).ToArray();
                _start += newline + 2;
                return line;
            }

            if (_end - _start >= 64 * 1024 - 2 || (_start == 0 && _end == _buffer.Length))
            {
                throw new RedisException("Redis sent a line too long to be RESP.");
            }

            await FillAsync();
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end));
        if (read == 0)
        {
            throw new RedisException("Redis closed the connection.");
        }

        _end += read;
    }
}
