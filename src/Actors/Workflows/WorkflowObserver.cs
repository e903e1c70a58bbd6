using System.Diagnostics;
using Orders.Actors.Messaging;

namespace Orders.Actors.Workflows;

/// <summary>
/// The one place where a workflow's metrics, spans and logs hook into the kernel. Every member does nothing by
/// default: a workflow without telemetry (the kernel's own specs) overrides none. Span-starting members return null
/// when nobody listens, and the kernel passes what they return back to <see cref="End"/>.
/// </summary>
public abstract class WorkflowObserver<TState, TEvent, TStep> where TStep : notnull
{
    /// <summary>A span for a client's command being processed (null for those not traced, such as reads).</summary>
    public virtual Activity? StartCommand(TState state, object command) => null;

    public virtual Activity? StartCall(TState state, SyncCall call, int attempt, TimeSpan waited) => null;

    /// <summary>A call attempt's answer is in: tag and end its span.</summary>
    public virtual void CallAnswered(Activity? span, object reply, CallAnswer answer) => End(span, answer is CallAnswer.Transient t ? t.Reason : null);

    public virtual void CallRetrying(TState state, SyncCall call, int attempt, string reason, TimeSpan delay, Activity? attemptSpan) { }

    public virtual Activity? StartDelivery(TState state, TStep step, int attempt) => null;

    public virtual void StepParking(TState state, TStep step, int attempts, string error) { }

    /// <summary>One event applied: <paramref name="before"/> and <paramref name="after"/> are the states around it.</summary>
    public virtual void Persisted(TEvent @event, TState before, TState after) { }

    /// <summary>The instance is about to write, under <paramref name="within"/> (a command's span) or its own context.</summary>
    public virtual void Writing(string persistenceId, Activity? within, MessageContext? instance) { }

    public virtual void Stopped(string persistenceId) { }

    /// <summary>The context a request made under <paramref name="span"/> carries (the instance's own without one).</summary>
    public MessageContext Under(Activity? span, MessageContext instance) => MessageTracing.Under(span, instance);

    /// <summary>Ends a span without touching the calling thread's current activity.</summary>
    public void End(Activity? span, string? error = null) => MessageTracing.End(span, error);

    public sealed class Silent : WorkflowObserver<TState, TEvent, TStep>
    {
        public static readonly Silent Instance = new();
    }
}
