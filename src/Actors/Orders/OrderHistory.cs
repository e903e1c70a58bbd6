using Orders.Actors.Workflows;
using static Orders.Actors.Orders.OrderEvents;

namespace Orders.Actors.Orders;

/// <summary>What each order event says about the payment call and the steps, for the step-issue read model and the timeline.</summary>
public sealed class OrderHistory : IWorkflowHistory<IOrderEvent>
{
    public static readonly OrderHistory Instance = new();

    /// <summary>The forward steps: no longer due once an order compensates.</summary>
    public static readonly IReadOnlyList<string> ForwardKinds =
        new[] { StepKind.ReserveStock, StepKind.CreateShipment, StepKind.SendConfirmation, StepKind.RecordAnalytics }.Select(k => new StepId(k).ToString()).ToList();

    public string Type => OrderWorkflow.Type;

    public string PublicName(string step) => StepId.Parse(step).PublicName;

    // Orders carry their own times; recordedAt is not needed.
    public IReadOnlyList<WorkflowFact> FactsOf(IOrderEvent @event, DateTimeOffset recordedAt) => @event switch
    {
        PaymentAttemptFailed f => [new WorkflowFact.CallAttemptFailed(OrderWorkflow.PaymentCall, f.Attempt, f.Error, f.NextAttemptAt, f.At)],
        PaymentAuthorized a => [new WorkflowFact.CallSettled(OrderWorkflow.PaymentCall, a.Attempts, "authorized", a.AuthorizationId, a.At)],
        PaymentDeclined d => [new WorkflowFact.CallSettled(OrderWorkflow.PaymentCall, d.Attempts, "declined", d.Reason, d.At)],
        PaymentRejected r => [new WorkflowFact.CallSettled(OrderWorkflow.PaymentCall, r.Attempts, "gave_up", r.Reason, r.At)],
        StepAttemptFailed f => [Sent(f.Step, f.Attempt, f.SentAt), new WorkflowFact.StepAttemptFailed(f.Step.ToString(), f.Attempt, f.Error, f.NextAttemptAt, f.At)],
        StepSucceeded s => [.. SentIfKnown(s.Step, s.Attempts, s.SentAt), new WorkflowFact.StepSucceeded(s.Step.ToString(), s.Attempts, s.Detail, s.At)],
        StepFailed f => [.. SentIfKnown(f.Step, f.Attempts, f.SentAt), new WorkflowFact.StepRefused(f.Step.ToString(), f.Attempts, f.Reason, f.At)],
        StepParked p => [.. SentIfKnown(p.Step, p.Attempts, p.LastSentAt), new WorkflowFact.StepParked(p.Step.ToString(), p.Attempts, p.LastError, p.At,
            p.Step.Kind == StepKind.NotifyWebhook ? "later notifications wait behind it" : null)],
        StepUnparked u => [new WorkflowFact.StepReplayed(u.Step.ToString(), u.At)],
        CompensationStarted c => [new WorkflowFact.StepsWithdrawn(ForwardKinds, c.At)],
        _ => [],
    };

    private static WorkflowFact Sent(StepId step, int attempt, DateTimeOffset at) => new WorkflowFact.StepSent(step.ToString(), attempt, at);

    private static IEnumerable<WorkflowFact> SentIfKnown(StepId step, int attempt, DateTimeOffset? at) => at is { } sent ? [Sent(step, attempt, sent)] : [];
}
