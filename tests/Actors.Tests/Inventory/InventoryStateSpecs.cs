using Orders.Actors.Inventory;
using static Orders.Actors.Inventory.InventoryEvents;

namespace Orders.Actors.Tests.Inventory;

public sealed class InventoryStateSpecs
{
    private static InventoryState Stocked(long units) => InventoryState.Empty("SKU-1").Apply(new StockLevelSet("SKU-1", units));

    private static InventoryState Do(InventoryState state, IInventoryEvent? e) => e is null ? state : state.Apply(e);

    [Fact]
    public void A_reservation_takes_stock_once_however_often_it_is_delivered()
    {
        var state = Do(Stocked(5), Stocked(5).Reserve("o-1", 3));
        Assert.Equal(2, state.Available);
        Assert.Null(state.Reserve("o-1", 3));
        Assert.Equal((true, "reserved 3 of SKU-1"), state.ReservationAnswer("o-1"));
    }

    [Fact]
    public void A_refusal_is_remembered_so_a_redelivery_after_a_restock_gets_the_same_answer()
    {
        var state = Stocked(1);
        state = Do(state, state.Reserve("o-1", 2));
        Assert.IsType<ReservationRefused>(Stocked(1).Reserve("o-1", 2));
        state = state.Apply(new StockLevelSet("SKU-1", 100));
        Assert.Null(state.Reserve("o-1", 2));
        Assert.False(state.ReservationAnswer("o-1").Reserved);
        Assert.Contains("out of stock", state.ReservationAnswer("o-1").Detail);
    }

    [Fact]
    public void Releasing_returns_the_units_once()
    {
        var state = Do(Stocked(5), Stocked(5).Reserve("o-1", 3));
        state = Do(state, state.Release("o-1"));
        Assert.Equal(5, state.Available);
        Assert.Null(state.Release("o-1"));
    }

    [Fact]
    public void A_release_that_overtakes_its_reservation_voids_it()
    {
        var state = Stocked(5);
        state = Do(state, state.Release("o-1"));
        Assert.Null(state.Reserve("o-1", 1));
        Assert.Equal(5, state.Available);
        Assert.False(state.ReservationAnswer("o-1").Reserved);
    }

    [Fact]
    public void Releasing_a_refused_reservation_returns_nothing()
    {
        var state = Stocked(0);
        state = Do(state, state.Reserve("o-1", 1));
        Assert.Null(state.Release("o-1"));
        Assert.Equal(0, state.Available);
    }
}
