namespace Orders.Gateway.Security;

/// <summary>Who may act as an operator; bound from "Orders:Admin".</summary>
public sealed class AdminOptions
{
    public const int MinimumTokenLength = 24;

    /// <summary>
    /// The bearer token of operators (fault injection, listing orders, any order's details, the admin API). Unset, a
    /// node accepts operator calls from loopback only, and refuses to listen beyond loopback.
    /// </summary>
    public string? Token { get; set; }

    public bool HasToken => !string.IsNullOrEmpty(Token);
}
