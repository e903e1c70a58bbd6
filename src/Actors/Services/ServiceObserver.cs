namespace Orders.Actors.Services;

/// <summary>What a supervised service's gateway reports as it lives: the node's metrics listen (OrderMetrics).</summary>
public interface IServiceObserver
{
    /// <summary>A supervised service's gateway started (healthy until it trips).</summary>
    void ServiceStarted(string service);

    void ServiceTripped(string service);

    /// <summary>The worker runs again after backing off: healthy until it trips again.</summary>
    void ServiceRestarted(string service);

    /// <summary>A service's gateway stopped (an idle webhook destination forgotten): it is no longer reported.</summary>
    void ServiceGone(string service);

    public static readonly IServiceObserver None = new Unobserved();

    private sealed class Unobserved : IServiceObserver
    {
        public void ServiceStarted(string service) { }
        public void ServiceTripped(string service) { }
        public void ServiceRestarted(string service) { }
        public void ServiceGone(string service) { }
    }
}
