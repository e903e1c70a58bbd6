using System.Diagnostics;
using System.Threading.Channels;
using Orders.Actors.Telemetry;
using Orders.Actors.Messaging;

namespace Orders.Actors.Journal;

/// <summary>
/// Gathers the rows of concurrent persist calls (many orders at once) into batches: each writer loop takes
/// whatever is waiting, up to <c>batch-size</c> rows, and writes it as one transaction. Under load the batches
/// grow by themselves; when idle, a single row is written at once.
/// </summary>
public sealed class JournalWriteBatcher : IAsyncDisposable
{
    private sealed record PendingWrite(IReadOnlyList<StoredEvent> Rows, TaskCompletionSource Done, ActivityContext Writer);

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _writers;

    private readonly Action<int, TimeSpan, bool>? _committed;
    private readonly string _databaseSystem;

    /// <param name="committed">Told after each batch: its rows, how long writing it took, and whether it was committed.</param>
    /// <param name="databaseSystem">The database as traces name it (sqlite, postgresql).</param>
    public JournalWriteBatcher(Func<CancellationToken, Task<JournalWriterConnection>> openWriter, int writers, int batchSize,
        Action<int, TimeSpan, bool>? committed = null, string databaseSystem = "sqlite")
    {
        _committed = committed;
        _databaseSystem = databaseSystem;
        if (writers < 1) throw new ArgumentOutOfRangeException(nameof(writers), writers, "journal parallelism must be at least 1");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "journal batch-size must be at least 1");
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(() => WriteLoopAsync(openWriter, batchSize))).ToArray();
    }

    /// <summary>Completes once the rows are committed; fails with the batch's error.</summary>
    /// <param name="writer">The span the write belongs to, when its writer is traced: the batch's span is linked to it.</param>
    public Task WriteAsync(IReadOnlyList<StoredEvent> rows, ActivityContext writer = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new PendingWrite(rows, done, writer)))
            done.SetException(new InvalidOperationException("the journal is shutting down; the write was not accepted"));
        return done.Task;
    }

    private async Task WriteLoopAsync(Func<CancellationToken, Task<JournalWriterConnection>> openWriter, int batchSize)
    {
        var token = _stopping.Token;
        JournalWriterConnection? connection = null;
        var batch = new List<PendingWrite>();
        var rows = new List<StoredEvent>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(token))
            {
                batch.Clear();
                rows.Clear();
                // An atomic write larger than batch-size still goes in whole, as its own batch.
                while (_queue.Reader.TryPeek(out var next)
                       && (rows.Count == 0 || rows.Count + next.Rows.Count <= batchSize)
                       && _queue.Reader.TryRead(out next))
                {
                    batch.Add(next);
                    rows.AddRange(next.Rows);
                }
                if (batch.Count == 0) continue;
                var started = Stopwatch.GetTimestamp();
                var span = OrderTracing.Enabled ? JournalTracing.StartBatch(_databaseSystem, rows.Count, batch.Select(w => w.Writer)) : null;
                try
                {
                    connection ??= await openWriter(token);
                    // Current in this loop's own flow only while writing: the database driver's span (Npgsql's) goes beneath.
                    Activity.Current = span;
                    try
                    {
                        await connection.WriteAsync(rows, token);
                    }
                    finally
                    {
                        Activity.Current = null;
                    }
                    _committed?.Invoke(rows.Count, Stopwatch.GetElapsedTime(started), true);
                    MessageTracing.End(span);
                    foreach (var write in batch) write.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    _committed?.Invoke(rows.Count, Stopwatch.GetElapsedTime(started), false);
                    MessageTracing.End(span, e.Message);
                    // A broken connection is opened afresh for the next batch; this batch's writers see the error.
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                    foreach (var write in batch) write.Done.TrySetException(e);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Writes already queued are finished before the connections close.
        _queue.Writer.TryComplete();
        await Task.WhenAny(Task.WhenAll(_writers), Task.Delay(TimeSpan.FromSeconds(10)));
        await _stopping.CancelAsync();
        await Task.WhenAll(_writers);
        while (_queue.Reader.TryRead(out var left))
            left.Done.TrySetException(new InvalidOperationException("the journal stopped before the write was committed"));
        _stopping.Dispose();
    }
}
