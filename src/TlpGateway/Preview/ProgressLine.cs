using System.Globalization;

namespace TlpGateway.Preview;

/// <summary>
/// A progress line on standard error for a long input: nothing for the first second, then at most
/// one update a second — rewritten in place on a terminal, a line each otherwise (a log keeps them).
/// </summary>
internal sealed class ProgressLine(TextWriter error, bool terminal, TimeProvider timeProvider, PreviewInput input)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly long _started = timeProvider.GetTimestamp();
    private long _last;
    private bool _shown;

    /// <summary>Says how far the input is read, when a second has passed since the last update.</summary>
    public void Report(int events)
    {
        var now = timeProvider.GetTimestamp();
        if (timeProvider.GetElapsedTime(_shown ? _last : _started, now) < Interval)
        {
            return;
        }

        _last = now;
        _shown = true;
        Write(Text(events));
    }

    /// <summary>Ends the progress line, if one was shown: cleared on a terminal, a last line otherwise.</summary>
    public void Done(int events)
    {
        if (!_shown)
        {
            return;
        }

        if (terminal)
        {
            error.Write("\r\u001b[K");
        }
        else
        {
            error.WriteLine(Text(events) + ", done");
        }
    }

    private void Write(string text)
    {
        if (terminal)
        {
            error.Write("\r" + text + "\u001b[K");
        }
        else
        {
            error.WriteLine(text);
        }
    }

    private string Text(int events)
    {
        var read = Megabytes(input.Read);
        var of = input.Length is { } length and > 0
            ? string.Create(CultureInfo.InvariantCulture, $" of {Megabytes(length)} ({input.Read * 100 / length}%)")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"explain: {input.Name}: {read}{of}, {events:N0} events");
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MB");
}
