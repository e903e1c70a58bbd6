using System.Collections.Concurrent;

namespace Orders.Gateway.Diagnostics;

/// <summary>
/// Server faults, logged so that a storm of identical ones cannot drown the log: the first of a kind (same place, type
/// and message) is logged whole, with its stack trace; repeats within <see cref="Window"/> are only counted, and the
/// count is logged with the next one after the window.
/// </summary>
public sealed class ErrorLog(ILogger<ErrorLog> logger, TimeProvider? clock = null)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxKinds = 1000;

    private sealed class Kind(DateTimeOffset since)
    {
        public DateTimeOffset Since = since;
        public int Suppressed;
    }

    private readonly ConcurrentDictionary<string, Kind> _kinds = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <returns>True when this one was written out, false when it was only counted.</returns>
    public bool Write(string where, Exception error)
    {
        var now = _clock.GetUtcNow();
        var key = $"{where}|{error.GetType().FullName}|{error.Message}";
        if (_kinds.Count > MaxKinds) _kinds.Clear();
        var kind = _kinds.GetOrAdd(key, _ => new Kind(DateTimeOffset.MinValue));
        int suppressed;
        TimeSpan since;
        lock (kind)
        {
            since = now - kind.Since;
            if (since < Window)
            {
                kind.Suppressed++;
                return false;
            }
            suppressed = kind.Suppressed;
            kind.Since = now;
            kind.Suppressed = 0;
        }
        if (suppressed > 0)
            logger.LogError(error, "{Where} failed ({Suppressed} more like this in the last {Seconds:0} s, not logged one by one)", where, suppressed, since.TotalSeconds);
        else
            logger.LogError(error, "{Where} failed", where);
        return true;
    }
}
