using System.Collections.Concurrent;
using Orders.Actors.Journal;

namespace Orders.Actors.Tests.Journal;

/// <summary>
/// How the batcher groups concurrent writes into transactions and what a failed transaction does; the writer here
/// records batches instead of writing them (the real databases are in <see cref="DirectSqlJournalSpecs"/>).
/// </summary>
public sealed class JournalWriteBatcherSpecs
{
    private sealed class RecordingWriter(RecordingDatabase database) : JournalWriterConnection
    {
        public override async Task WriteAsync(IReadOnlyList<StoredEvent> rows, CancellationToken ct)
        {
            Interlocked.Increment(ref database.WritesStarted);
            await database.Gate.WaitAsync(ct);
            try
            {
                if (database.FailNext > 0 && Interlocked.Decrement(ref database.FailNext) >= 0)
                    throw new InvalidOperationException("disk full");
                database.Batches.Enqueue(rows.Select(r => $"{r.PersistenceId}/{r.SequenceNr}").ToArray());
            }
            finally
            {
                database.Gate.Release();
            }
        }

        public override ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref database.Closed);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingDatabase
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly ConcurrentQueue<string[]> Batches = new();
        public int Opened;
        public int Closed;
        public int FailNext;
        /// <summary>Batches the writer has begun, counting one still waiting at the gate.</summary>
        public int WritesStarted;

        public Task<JournalWriterConnection> OpenAsync(CancellationToken _)
        {
            Interlocked.Increment(ref Opened);
            return Task.FromResult<JournalWriterConnection>(new RecordingWriter(this));
        }
    }

    private static StoredEvent[] Rows(string persistenceId, int count) =>
        Enumerable.Range(1, count).Select(n => new StoredEvent(persistenceId, n, 0, "m", [1], 1, null, "")).ToArray();

    [Fact]
    public async Task Writes_queued_while_a_batch_is_written_go_together_up_to_the_batch_size_and_an_oversized_one_goes_whole()
    {
        var database = new RecordingDatabase();
        await using var batcher = new JournalWriteBatcher(database.OpenAsync, writers: 1, batchSize: 5);
        await database.Gate.WaitAsync(); // hold the writer so the next writes queue up
        var first = batcher.WriteAsync(Rows("a", 1));
        // The writer has taken "a" alone and waits at the gate; what comes now queues behind it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref database.WritesStarted) == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(1, Volatile.Read(ref database.WritesStarted));
        var queued = new[] { batcher.WriteAsync(Rows("b", 2)), batcher.WriteAsync(Rows("c", 2)), batcher.WriteAsync(Rows("d", 2)), batcher.WriteAsync(Rows("big", 7)) };
        database.Gate.Release();
        await Task.WhenAll(queued.Append(first));

        var batches = database.Batches.Select(b => string.Join(" ", b)).ToList();
        Assert.Equal(["a/1", "b/1 b/2 c/1 c/2", "d/1 d/2", "big/1 big/2 big/3 big/4 big/5 big/6 big/7"], batches);
        Assert.Equal(1, database.Opened);
    }

    [Fact]
    public async Task A_failed_batch_fails_only_its_own_writes_and_the_next_batch_uses_a_fresh_connection()
    {
        var database = new RecordingDatabase { FailNext = 1 };
        await using var batcher = new JournalWriteBatcher(database.OpenAsync, writers: 1, batchSize: 100);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WriteAsync(Rows("a", 1)));
        Assert.Equal("disk full", failed.Message);
        await batcher.WriteAsync(Rows("b", 1));

        Assert.Equal(["b/1"], database.Batches.Single());
        Assert.Equal(2, database.Opened);
        Assert.Equal(1, database.Closed);
    }

    [Fact]
    public async Task Stopping_finishes_the_writes_already_queued_and_refuses_new_ones()
    {
        var database = new RecordingDatabase();
        var batcher = new JournalWriteBatcher(database.OpenAsync, writers: 2, batchSize: 3);
        var writes = Enumerable.Range(0, 20).Select(i => batcher.WriteAsync(Rows($"p{i}", 1))).ToList();
        await batcher.DisposeAsync();

        await Task.WhenAll(writes);
        Assert.Equal(20, database.Batches.Sum(b => b.Length));
        Assert.All(database.Batches, b => Assert.InRange(b.Length, 1, 3));
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WriteAsync(Rows("late", 1)));
        Assert.Equal(database.Opened, database.Closed);
    }
}
