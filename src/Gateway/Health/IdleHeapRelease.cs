using System.Runtime;
using Orders.Gateway.Application;

namespace Orders.Gateway.Health;

/// <summary>
/// Gives a surge's heap back to the operating system once the node goes quiet. The garbage collector only runs when
/// something allocates, so a server-GC node that falls idle after a flood keeps the flood's heap committed for good
/// (bench overload measured 358 MB of managed heap committed, RSS 564 MB, still held 20 s after the flood's work was
/// done, against ~200 MB RSS before it). When the node has allocated little for a while and holds well over what it
/// held after the last release, one aggressive collection compacts and decommits it.
/// </summary>
public sealed class IdleHeapRelease(GatewayOptions options, ILogger<IdleHeapRelease> log) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    private readonly HeapReleasePolicy _policy = new(options.ReleaseIdleHeapAboveMegabytes * 1024L * 1024, QuietBytesPerCheck: 16L * 1024 * 1024,
        MinimumGap: TimeSpan.FromSeconds(30));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ReleaseIdleHeapAboveMegabytes == 0) return;
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            if (!_policy.ShouldRelease(DateTime.UtcNow, GC.GetTotalAllocatedBytes(), committed)) continue;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
            _policy.Released(DateTime.UtcNow, after);
            log.LogInformation("Idle after a surge: released the heap from {Before} MB to {After} MB committed", committed / 1048576, after / 1048576);
        }
    }
}

/// <summary>When a quiet node should compact: allocation since the last check below <paramref name="QuietBytesPerCheck"/>
/// and the heap more than <paramref name="ReleaseAboveBytes"/> over its size after the last release (or the smallest seen).</summary>
public sealed class HeapReleasePolicy(long ReleaseAboveBytes, long QuietBytesPerCheck, TimeSpan MinimumGap)
{
    private long _lastAllocated = -1;
    private long _baseline = long.MaxValue;
    private DateTime _lastRelease = DateTime.MinValue;

    public bool ShouldRelease(DateTime now, long totalAllocated, long committed)
    {
        var allocatedSince = _lastAllocated < 0 ? long.MaxValue : totalAllocated - _lastAllocated;
        _lastAllocated = totalAllocated;
        _baseline = Math.Min(_baseline, committed);
        return allocatedSince < QuietBytesPerCheck && committed - _baseline > ReleaseAboveBytes && now - _lastRelease >= MinimumGap;
    }

    public void Released(DateTime now, long committedAfter)
    {
        _lastRelease = now;
        _baseline = committedAfter;
    }
}
