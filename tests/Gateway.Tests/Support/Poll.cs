namespace Orders.Gateway.Tests.Support;

/// <summary>
/// Waiting for something eventually consistent (a read model, a projection, cluster membership, a receiver's inbox):
/// read it again until it shows what is expected or the deadline passes, then fail naming what never happened and the
/// last value seen. Never a fixed sleep, never a looser assertion.
/// </summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}; last: {value}");
            await Task.Delay(200);
        }
    }
}
