using Microsoft.Extensions.Logging;
using Orders.Gateway.Diagnostics;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests;

/// <summary>A storm of identical server faults costs one log entry per minute, with the count of the ones not written.</summary>
public sealed class ErrorLogSpecs
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Identical_faults_are_counted_not_repeated_and_the_count_is_told_after_the_window()
    {
        var capture = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var clock = new ManualClock();
        var log = new ErrorLog(factory.CreateLogger<ErrorLog>(), clock);

        Assert.True(log.Write("POST /v1/orders", new InvalidOperationException("boom")));
        for (var i = 0; i < 1000; i++) Assert.False(log.Write("POST /v1/orders", new InvalidOperationException("boom")));
        Assert.True(log.Write("POST /v1/orders", new InvalidOperationException("another")));
        Assert.True(log.Write("GET /v1/orders", new InvalidOperationException("boom")));
        Assert.Equal(3, capture.Entries.Count);

        clock.Now += ErrorLog.Window;
        Assert.True(log.Write("POST /v1/orders", new InvalidOperationException("boom")));
        Assert.Contains("1000 more like this", capture.Entries[^1].Message);
        Assert.NotNull(capture.Entries[^1].Exception);
    }
}
