namespace Orders.Actors.Services;

/// <summary>A request whose service calls a client back at a URL the client named: webhook deliveries are bulkheaded by that receiver.</summary>
public interface ICallbackRequest : IServiceRequest
{
    string? CallbackUrl { get; }
}
