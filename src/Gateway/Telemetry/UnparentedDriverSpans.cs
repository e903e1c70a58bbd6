using System.Diagnostics;
using OpenTelemetry;

namespace Orders.Gateway.Telemetry;

/// <summary>
/// The database driver's spans belong to the work that ran the command: a journal batch's write is beneath the batch.
/// A command run outside any span (the projections' and read models' polling, many a second) would each be a trace of
/// its own, so it is not recorded. Added before the exporter, which sends recorded spans only.
/// </summary>
public sealed class UnparentedDriverSpans : BaseProcessor<Activity>
{
    public const string NpgsqlSource = "Npgsql";

    public override void OnEnd(Activity activity)
    {
        if (activity.Source.Name == NpgsqlSource && activity.ParentSpanId == default)
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}
