using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orders.Gateway.Tests.Support;

/// <summary>
/// The spans of one trace as they end, from the order system's, ASP.NET Core's, HttpClient's and Npgsql's sources. A listener is process-wide
/// and other specs run beside this one: only the trace the spec started (its own traceparent) is kept.
/// </summary>
public sealed class SpanCapture : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public SpanCapture()
    {
        TraceId = ActivityTraceId.CreateRandom();
        CallerSpanId = ActivitySpanId.CreateRandom();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Orders" or "Microsoft.AspNetCore" or "System.Net.Http" or "Npgsql",
            // HttpClient's spans only under another span: the spec's own calls (roots) would otherwise start a trace of
            // their own and send its traceparent instead of the spec's.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source.Name == "System.Net.Http" && options.Parent == default ? ActivitySamplingResult.None : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.TraceId == TraceId) _spans.Enqueue(activity); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivityTraceId TraceId { get; }
    public ActivitySpanId CallerSpanId { get; }

    /// <summary>A gRPC call's metadata that makes it part of this trace, as a traced client would send it.</summary>
    public global::Grpc.Core.Metadata Headers => new() { { "traceparent", $"00-{TraceId.ToHexString()}-{CallerSpanId.ToHexString()}-01" } };

    public IReadOnlyList<Activity> Spans => _spans.ToList();

    /// <summary>Waits until the trace holds spans that <paramref name="done"/> accepts (spans end asynchronously).</summary>
    public Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, string what) =>
        Poll.UntilAsync(() => Task.FromResult(Spans), done, what);

    public void Dispose() => _listener.Dispose();
}
