using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Workflows;

namespace Orders.Actors.Tests.Orders;

public sealed class PaymentPolicySpecs
{
    private static readonly OrderSettings Settings = new();

    [Fact]
    public void A_decline_is_final_even_on_the_first_attempt()
    {
        var next = PaymentPolicy.After(1, new PaymentRefused("o", "insufficient funds"), Settings);
        Assert.IsType<PaymentDecision.Declined>(Assert.IsType<PaymentPolicy.Decide>(next).Decision);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    public void Transient_failures_are_retried_with_exponential_backoff_and_jitter(int attempt, double nominalMs)
    {
        var next = Assert.IsType<PaymentPolicy.RetryAfter>(PaymentPolicy.After(attempt, new PaymentError("o", "503"), Settings));
        Assert.InRange(next.Delay.TotalMilliseconds, nominalMs, nominalMs * (1 + Settings.RandomFactor));
    }

    [Fact]
    public void After_the_last_attempt_the_order_is_rejected_with_the_reason()
    {
        var decide = Assert.IsType<PaymentPolicy.Decide>(PaymentPolicy.After(3, new PaymentError("o", "no answer within 5000 ms"), Settings));
        var failed = Assert.IsType<PaymentDecision.Failed>(decide.Decision);
        Assert.Contains("after 3 attempts", failed.Reason);
        Assert.Contains("no answer within 5000 ms", failed.Reason);
    }

    [Fact]
    public void An_unavailable_payment_service_is_named_as_such()
    {
        var decide = Assert.IsType<PaymentPolicy.Decide>(PaymentPolicy.After(3, new PaymentUnavailable("o", "backing off", DateTimeOffset.UtcNow), Settings));
        Assert.StartsWith("payment service unavailable", Assert.IsType<PaymentDecision.Failed>(decide.Decision).Reason);
    }

    [Fact]
    public void Backoff_doubles_up_to_its_cap_and_jitter_only_stretches_it()
    {
        var policy = new BackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), 0.5);
        Assert.Equal([100, 200, 400, 400], new[] { 1, 2, 3, 4 }.Select(n => policy.Nominal(n).TotalMilliseconds));
        for (var i = 0; i < 100; i++)
            Assert.InRange(policy.Delay(3).TotalMilliseconds, 400, 600);
        Assert.Equal(600, policy.UpperBound(3).TotalMilliseconds);
    }
}
