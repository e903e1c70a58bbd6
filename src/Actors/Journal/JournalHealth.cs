using System.Data.Common;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Data.Sqlite;

namespace Orders.Actors.Journal;

/// <summary>
/// Whether the journal's database can be written right now, as this node last saw it. The journal reports every
/// failure and success of its own statements; once down, a probe writes a row every <see cref="ProbeInterval"/> until
/// one succeeds, so the node notices the database's return within a fraction of a second, with or without traffic.
/// The gateway refuses calls at once while the database is down instead of letting them hang.
/// </summary>
public sealed class JournalHealth : IExtension
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private TaskCompletionSource _wentDown = NewSignal();
    private Func<CancellationToken, Task>? _probe;
    private DateTimeOffset? _downSince;
    private DateTimeOffset? _returnedAt;
    private string? _reason;
    private bool _probing;
    private volatile bool _down;

    /// <summary>When and why the database was found down; null while it is up.</summary>
    public (DateTimeOffset Since, string Reason)? Outage
    {
        get { lock (_gate) return _downSince is { } since ? (since, _reason!) : null; }
    }

    /// <summary>When the database last came back after being found down; null if it never was.</summary>
    public DateTimeOffset? ReturnedAt
    {
        get { lock (_gate) return _returnedAt; }
    }

    /// <summary>Completes when the database is next found down (at once if it is down now).</summary>
    public Task WhenDown
    {
        get { lock (_gate) return _wentDown.Task; }
    }

    public static JournalHealth For(ActorSystem system) => system.WithExtension<JournalHealth, JournalHealthId>();

    /// <summary>Is this failure the database being unreachable or unwritable, rather than something about one request?</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } a => a.InnerExceptions.Any(IsOutage),
        // A constraint violation (a sequence number written twice) is about that write, not the database.
        DbException { SqlState: ['2', '3', ..] } or SqliteException { SqliteErrorCode: 19 } => false,
        DbException or SocketException or IOException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsOutage(inner),
    };

    internal void UseProbe(Func<CancellationToken, Task> probe)
    {
        lock (_gate) _probe = probe;
    }

    internal void Succeeded()
    {
        if (!_down) return;
        lock (_gate) MarkUp();
    }

    internal void Failed(Exception e)
    {
        if (!IsOutage(e)) return;
        lock (_gate)
        {
            if (!_down)
            {
                (_down, _downSince, _reason) = (true, DateTimeOffset.UtcNow, e.GetBaseException().Message);
                _wentDown.TrySetResult();
            }
            if (_probing || _probe is null) return;
            _probing = true;
        }
        _ = ProbeUntilUpAsync();
    }

    private void MarkUp()
    {
        if (!_down) return;
        (_down, _downSince, _reason, _returnedAt) = (false, null, null, DateTimeOffset.UtcNow);
        _wentDown = NewSignal();
    }

    private async Task ProbeUntilUpAsync()
    {
        while (true)
        {
            await Task.Delay(ProbeInterval);
            Func<CancellationToken, Task> probe;
            lock (_gate)
            {
                if (!_down || _probe is null)
                {
                    _probing = false;
                    return;
                }
                probe = _probe;
            }
            try
            {
                using var timeout = new CancellationTokenSource(ProbeTimeout);
                await probe(timeout.Token);
                lock (_gate)
                {
                    MarkUp();
                    _probing = false;
                    return;
                }
            }
            catch (Exception e)
            {
                lock (_gate) _reason = e.GetBaseException().Message;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class JournalHealthId : ExtensionIdProvider<JournalHealth>
{
    public override JournalHealth CreateExtension(ExtendedActorSystem system) => new();
}
