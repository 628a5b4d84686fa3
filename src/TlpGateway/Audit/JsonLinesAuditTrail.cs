using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace TlpGateway.Audit;

/// <summary>
/// Writes every audit record, through a background writer, as one JSON line to an append-only
/// file, and to the log: at <see cref="LogLevel.Debug"/> while the file is written (a large answer
/// has a record per removed item, thousands of them, which the file holds), at
/// <see cref="LogLevel.Information"/> once the file cannot be written. Losing the file is itself
/// reported (an error log and a metric); the request path never waits for the disk.
/// </summary>
internal sealed partial class JsonLinesAuditTrail : IAuditTrail, IAsyncDisposable
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // Up to this many bytes of records are written at once.
    private const int BatchBytes = 256 * 1024;

    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly string _path;
    private readonly long _maxFileBytes;
    private readonly TimeSpan _syncInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<JsonLinesAuditTrail> _logger;
    private readonly Counter<long> _failures;
    private readonly Task _writer;

    public JsonLinesAuditTrail(IOptions<AuditOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<JsonLinesAuditTrail> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _path = System.IO.Path.GetFullPath(options.Value.Path);
        _maxFileBytes = options.Value.MaxFileBytes;
        _syncInterval = options.Value.SyncInterval;
        _timeProvider = timeProvider;
        _logger = logger;
        _failures = meterFactory.Create("TlpGateway.Audit").CreateCounter<long>("tlpgateway.audit.failures", "{record}", "Audit records the file sink could not write.");
        _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>False once a record could not be written to the file (for readiness).</summary>
    public bool SinkHealthy { get; private set; } = true;

    public void Write(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var level = SinkHealthy ? LogLevel.Debug : LogLevel.Information;
        if (_logger.IsEnabled(level))
        {
            LogRecord(_logger, level, record.Action, record.Reason, record.Member ?? "-", record.Address ?? "-", record.Method ?? "-", record.Path ?? "-", record.EventUuid ?? "-", record.ItemUuid ?? "-");
        }

        if (!_queue.Writer.TryWrite(record))
        {
            Failed("queue full");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    /// <summary>
    /// Writes what is queued in batches, on a thread of its own: a batch is serialized into one
    /// buffer and written with one call, so a busy gateway's thousands of records a second cost a few
    /// writes, not an asynchronous file operation each on the thread pool that serves requests. The
    /// file is opened per batch, so an external rotation is followed. What is written is flushed to
    /// disk at most <see cref="AuditOptions.SyncInterval"/> later: with the next batch once the
    /// interval is over, else when no record came for the rest of it, and when the trail ends.
    /// </summary>
    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var batch = new ArrayBufferWriter<byte>(BatchBytes);
        using var json = new Utf8JsonWriter(batch, new JsonWriterOptions { Encoder = SerializerOptions.Encoder, SkipValidation = true });
        var lastSync = _timeProvider.GetTimestamp();
        var unsynced = false;
        while (true)
        {
            var more = reader.WaitToReadAsync().AsTask();
            if (unsynced && !more.IsCompleted)
            {
                // Nothing queued: what was written waits on disk no longer than the rest of the interval.
                var rest = _syncInterval - _timeProvider.GetElapsedTime(lastSync);
                if (rest > TimeSpan.Zero)
                {
                    Task.WhenAny(more, Task.Delay(rest, _timeProvider)).GetAwaiter().GetResult();
                }

                if (!more.IsCompleted)
                {
                    unsynced = !Append([], sync: true);
                    lastSync = _timeProvider.GetTimestamp();
                }
            }

            if (!more.GetAwaiter().GetResult())
            {
                break;
            }

            batch.ResetWrittenCount();
            var records = 0;
            while (batch.WrittenCount < BatchBytes && reader.TryRead(out var record))
            {
                json.Reset(batch);
                JsonSerializer.Serialize(json, record, SerializerOptions);
                json.Flush();
                batch.Write("\n"u8);
                records++;
            }

            var sync = _timeProvider.GetElapsedTime(lastSync) >= _syncInterval;
            if (Append(batch.WrittenSpan, sync))
            {
                unsynced = !sync;
                lastSync = sync ? _timeProvider.GetTimestamp() : lastSync;
            }
            else
            {
                // What was read is lost to the file but is in the log already.
                _failures.Add(records);
                while (reader.TryRead(out _))
                {
                    _failures.Add(1);
                }
            }
        }

        if (unsynced)
        {
            Append([], sync: true);
        }
    }

    /// <summary>Appends <paramref name="lines"/> to the file (rotated when full), flushed to disk when <paramref name="sync"/>; false when the file cannot be written.</summary>
    private bool Append(ReadOnlySpan<byte> lines, bool sync)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
            if (!lines.IsEmpty)
            {
                // Only a write rotates: a sync alone must reach the file the lines went to.
                RotateIfFull();
            }

            using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            file.Write(lines);
            file.Flush(flushToDisk: sync);
            SinkHealthy = true;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failed(ex.Message);
            return false;
        }
    }

    private void RotateIfFull()
    {
        var info = new FileInfo(_path);
        if (info.Exists && info.Length >= _maxFileBytes)
        {
            var stamp = _timeProvider.GetUtcNow().ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture);
            File.Move(_path, System.IO.Path.ChangeExtension(_path, $".{stamp}.jsonl"));
        }
    }

    private void Failed(string reason)
    {
        SinkHealthy = false;
        _failures.Add(1);
        LogSinkFailed(_logger, _path, reason);
    }

    [LoggerMessage(Message = "Audit {Action} {Reason}: member {Member}, address {Address}, {Method} {Path}, event {EventUuid}, item {ItemUuid}")]
    private static partial void LogRecord(ILogger logger, LogLevel level, string action, string reason, string member, string address, string method, string path, string eventUuid, string itemUuid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit file {Path} cannot be written ({Reason}); records go to the log only")]
    private static partial void LogSinkFailed(ILogger logger, string path, string reason);
}
