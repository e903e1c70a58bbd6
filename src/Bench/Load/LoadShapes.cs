using System.Diagnostics;
using Grpc.Core;

namespace Orders.Bench.Load;

/// <summary>How calls are issued: at a fixed arrival rate (open loop) or by a fixed number of callers (closed loop).</summary>
public static class LoadShapes
{
    /// <summary>
    /// Call i is due at start + i / rate and its latency counts from then, not from when it was sent: a server that
    /// stalls shows up as latency instead of quietly slowing the client down (no coordinated omission).
    /// </summary>
    public static async Task OpenLoopAsync(double perSecond, TimeSpan duration, Func<long, Task> call, Recorder recorder, Action<long>? progress = null)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)Math.Round(perSecond * duration.TotalSeconds);
        var calls = new List<Task>((int)Math.Min(total, int.MaxValue));
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i / perSecond * Stopwatch.Frequency);
            var wait = TimeSpan.FromSeconds((due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            calls.Add(TimedAsync(i, due, call, recorder));
            progress?.Invoke(i + 1);
        }
        await Task.WhenAll(calls);
    }

    /// <summary>Each of <paramref name="callers"/> issues its next call when the previous one is answered.</summary>
    public static async Task<long> ClosedLoopAsync(int callers, TimeSpan duration, Func<long, Task> call, Recorder recorder)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
                await TimedAsync(Interlocked.Increment(ref issued), Stopwatch.GetTimestamp(), call, recorder);
        })));
        return issued;
    }

    private static async Task TimedAsync(long i, long due, Func<long, Task> call, Recorder recorder)
    {
        await Task.Yield();
        string? error = null;
        try
        {
            await call(i);
        }
        catch (RpcException e)
        {
            error = e.StatusCode.ToString();
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            error = e.GetType().Name;
        }
        recorder.Record(Stopwatch.GetElapsedTime(due), error);
    }
}
