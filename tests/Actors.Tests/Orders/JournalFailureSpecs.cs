using static Orders.Actors.Orders.OrderEvents;
using Orders.Actors.Workflows;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Orders.Actors.Messaging;
using Orders.Actors.Orders;
using Orders.Actors.Services;
using Orders.Actors.Tests.Support;
using static Orders.Actors.Orders.OrderCommands;
using static Orders.Actors.Orders.OrderReplies;

namespace Orders.Actors.Tests.Orders;

/// <summary>"Durable before acknowledged": when the journal fails, the caller hears so and nothing is acknowledged.</summary>
public sealed class JournalFailureSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly ITestJournal _journal;
    private readonly TestProbe _payment;
    private readonly TestProbe _steps;

    public JournalFailureSpecs() : base(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf"))
    {
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        _payment = CreateTestProbe("payment");
        _steps = CreateTestProbe("steps");
    }

    private IActorRef NewOrderActor(string id) =>
        Sys.ActorOf(WorkflowActor<OrderState, IOrderEvent, StepId>.Props(id, new OrderWorkflow(new OrderServices(_payment, _steps, _steps, _steps, _steps, _steps)),
            OrderNode.FastOrderSettings.Kernel, sharded: false));

    [Fact]
    public async Task A_failed_write_is_reported_to_the_caller_and_nothing_is_recorded()
    {
        var order = NewOrderActor("jf-1");
        Watch(order);
        await _journal.OnWrite.Fail();

        order.Tell(new PlaceOrder("jf-1", TestOrders.Details(), ResponseMode.Accepted, MessageContext.New()));

        var rejected = ExpectMsg<CommandRejected>();
        Assert.Equal(RejectionCode.PersistenceFailed, rejected.Code);
        ExpectTerminated(order);
        _payment.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        await _journal.OnWrite.Pass();
        NewOrderActor("jf-1").Tell(new GetOrder("jf-1", MessageContext.New()));
        Assert.Equal(RejectionCode.NotFound, ExpectMsg<CommandRejected>().Code);
    }

    [Fact]
    public async Task A_failed_write_of_the_payment_result_leaves_the_order_pending_and_it_asks_again_with_the_same_key()
    {
        var order = NewOrderActor("jf-2");
        Watch(order);
        order.Tell(new PlaceOrder("jf-2", TestOrders.Details(), ResponseMode.Hybrid, MessageContext.New()));
        // Generous waits: on a loaded 2-core CI machine the first messages of a fresh system can take seconds.
        var ask = _payment.ExpectMsg<AuthorizePayment>(TimeSpan.FromSeconds(10));

        await _journal.OnWrite.Fail();
        _payment.Reply(new PaymentApproved("jf-2", "auth-1"));
        Assert.Equal(RejectionCode.PersistenceFailed, ExpectMsg<CommandRejected>().Code);
        ExpectTerminated(order);

        await _journal.OnWrite.Pass();
        var recovered = NewOrderActor("jf-2");
        var again = _payment.ExpectMsg<AuthorizePayment>(TimeSpan.FromSeconds(10));
        Assert.Equal(ask.IdempotencyKey, again.IdempotencyKey);
        _payment.Reply(new PaymentApproved("jf-2", "auth-1"));

        _steps.ExpectMsg<PerformStep>(p => p.Step.Kind == StepKind.ReserveStock);
        recovered.Tell(new GetOrder("jf-2", MessageContext.New()));
        var view = ExpectMsg<OrderView>();
        Assert.Equal(OrderStatus.Confirmed, view.Status);
        Assert.Equal("auth-1", view.AuthorizationId);
    }
}
