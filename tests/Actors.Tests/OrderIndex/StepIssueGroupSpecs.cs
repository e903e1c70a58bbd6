using Orders.Actors.OrderIndex;
using Orders.Actors.Services;

namespace Orders.Actors.Tests.OrderIndex;

/// <summary>How retrying and parked steps are grouped for an operator: one problem, one group.</summary>
public sealed class StepIssueGroupSpecs
{
    private static readonly DateTimeOffset Until = new(2026, 12, 7, 2, 13, 44, 900, TimeSpan.Zero);

    [Fact]
    public void A_step_refused_while_the_service_backs_off_groups_with_the_steps_the_provider_failed()
    {
        const string cause = "/email/messages: 503 Email provider is down";
        var refused = ServiceUnavailable.Describe("email", Until, cause);

        Assert.StartsWith(cause, refused);
        Assert.Equal(OrderIndexStore.GroupKey("send-confirmation", cause), OrderIndexStore.GroupKey("send-confirmation", refused));
        Assert.Equal(OrderIndexStore.GroupKey("send-confirmation", refused),
            OrderIndexStore.GroupKey("send-confirmation", ServiceUnavailable.Describe("email", Until.AddSeconds(13), cause)));
    }

    [Fact]
    public void Different_causes_and_different_kinds_stay_apart()
    {
        var down = OrderIndexStore.GroupKey("send-confirmation", "/email/messages: 503 Email provider is down");
        Assert.NotEqual(down, OrderIndexStore.GroupKey("send-confirmation", "email provider did not answer within 5000 ms"));
        Assert.NotEqual(down, OrderIndexStore.GroupKey("create-shipment", "/email/messages: 503 Email provider is down"));
        // Numbers are blanked: the same timeout with another figure is the same problem.
        Assert.Equal(OrderIndexStore.GroupKey("send-confirmation", "email provider did not answer within 5000 ms"),
            OrderIndexStore.GroupKey("send-confirmation", "email provider did not answer within 750 ms"));
    }

    [Fact]
    public void A_refusal_whose_cause_is_unknown_still_says_the_service_is_unavailable()
    {
        Assert.StartsWith("email service unavailable (backing off until 2026-12-07T02:13:44", ServiceUnavailable.Describe("email", Until, null));
    }
}
