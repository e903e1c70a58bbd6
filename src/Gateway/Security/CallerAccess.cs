using System.Net;
using System.Security.Cryptography;
using System.Text;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Security;

/// <summary>Who is calling, as far as this node can tell: from where, and with which bearer token if any.</summary>
public sealed record Caller(IPAddress? Address, string? Bearer)
{
    public bool FromLoopback => Address is not null && IPAddress.IsLoopback(Address);
}

/// <summary>
/// The one access rule of every face (REST, gRPC, and the admin API the `orders` CLI speaks). Anyone who can reach the
/// node may place orders and read stock. The holder of an order's token may read, watch and cancel that order. An
/// operator - the admin token, or any loopback caller on a node that has no admin token - may do everything.
/// </summary>
public sealed class CallerAccess(AdminOptions admin, OrderTokens tokens)
{
    public const string OrderTokenQueryParameter = "order_token";

    /// <param name="tokenInQuery">
    /// For the event stream only: browsers' EventSource cannot set headers, so it may carry the order token as
    /// ?order_token=. Nowhere else, since URLs end up in logs.
    /// </param>
    public static Caller Identify(HttpContext http, bool tokenInQuery = false)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (string.IsNullOrEmpty(bearer) && tokenInQuery && http.Request.Query.TryGetValue(OrderTokenQueryParameter, out var query)) bearer = query.ToString();
        return new Caller(http.Connection.RemoteIpAddress, string.IsNullOrEmpty(bearer) ? null : bearer);
    }

    public bool IsOperator(Caller caller) =>
        admin.HasToken
            ? caller.Bearer is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(caller.Bearer), Encoding.UTF8.GetBytes(admin.Token!))
            : caller.FromLoopback;

    public void RequireOperator(Caller caller, string action)
    {
        if (IsOperator(caller)) return;
        throw new OrderApiException(ApiError.Unauthenticated, admin.HasToken
            ? $"{action} is an operator action: send the admin token as 'Authorization: Bearer <token>'"
            : $"{action} is an operator action, accepted only from loopback on a node without an admin token (Orders:Admin:Token)");
    }

    public void RequireOrderAccess(Caller caller, string orderId)
    {
        if (IsOperator(caller) || tokens.Grants(caller.Bearer, orderId)) return;
        throw caller.Bearer is null
            ? new OrderApiException(ApiError.Unauthenticated,
                $"order '{orderId}' is shown only to the holder of its order token (returned when it was placed) or an operator: send it as 'Authorization: Bearer <token>'")
            : new OrderApiException(ApiError.PermissionDenied, $"the token sent does not grant access to order '{orderId}'");
    }
}
