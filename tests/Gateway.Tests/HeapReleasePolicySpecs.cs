using Orders.Gateway.Health;

namespace Orders.Gateway.Tests;

/// <summary>The idle node compacts only after a surge has grown its heap, only once quiet, and not again right away.</summary>
public sealed class HeapReleasePolicySpecs
{
    private const long Mb = 1024 * 1024;
    private static readonly DateTime T0 = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    private static HeapReleasePolicy NewPolicy() => new(ReleaseAboveBytes: 128 * Mb, QuietBytesPerCheck: 16 * Mb, MinimumGap: TimeSpan.FromSeconds(30));

    [Fact]
    public void A_quiet_node_at_its_usual_size_is_left_alone()
    {
        var policy = NewPolicy();
        for (var i = 0; i < 10; i++)
            Assert.False(policy.ShouldRelease(T0.AddSeconds(5 * i), totalAllocated: i * 10 * Mb, committed: (30 + i) * Mb));
    }

    [Fact]
    public void A_node_still_busy_after_a_surge_is_not_paused_but_released_once_it_goes_quiet()
    {
        var policy = NewPolicy();
        Assert.False(policy.ShouldRelease(T0, 0, 30 * Mb));
        Assert.False(policy.ShouldRelease(T0.AddSeconds(5), 700 * Mb, 360 * Mb)); // the surge: allocating fast
        Assert.False(policy.ShouldRelease(T0.AddSeconds(10), 1400 * Mb, 360 * Mb));
        Assert.True(policy.ShouldRelease(T0.AddSeconds(15), 1410 * Mb, 360 * Mb)); // quiet, 330 MB over the smallest seen
    }

    [Fact]
    public void After_a_release_the_smaller_heap_is_the_new_measure_and_there_is_a_gap()
    {
        var policy = NewPolicy();
        policy.ShouldRelease(T0, 0, 30 * Mb);
        Assert.True(policy.ShouldRelease(T0.AddSeconds(5), 5 * Mb, 400 * Mb));
        policy.Released(T0.AddSeconds(5), 250 * Mb); // live data really is 250 MB now
        Assert.False(policy.ShouldRelease(T0.AddSeconds(20), 10 * Mb, 500 * Mb)); // within the gap
        Assert.False(policy.ShouldRelease(T0.AddSeconds(60), 15 * Mb, 300 * Mb)); // only 50 MB over the new measure
        Assert.True(policy.ShouldRelease(T0.AddSeconds(65), 20 * Mb, 420 * Mb));
    }
}
