using System.Security.Cryptography;
using System.Text;

namespace Orders.Gateway.Security;

/// <summary>
/// The capability a client gets when it places an order (like a payment intent's client secret): it lets the holder
/// read, watch and cancel that order, and no other. Derived, not stored: HMAC-SHA256 of the order id under a key
/// derived from the admin token, so every node of a cluster issues and accepts the same tokens, and rotating the admin
/// token revokes them all. Without an admin token the key is random per process (such a node trusts loopback anyway).
/// </summary>
public sealed class OrderTokens
{
    private const string Prefix = "ot_";
    private readonly byte[] _key;

    public OrderTokens(AdminOptions admin) =>
        _key = admin.HasToken
            ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(admin.Token!), "orders/order-token-key/v1"u8)
            : RandomNumberGenerator.GetBytes(32);

    public string For(string orderId) =>
        Prefix + Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(orderId)));

    public bool Grants(string? token, string orderId) =>
        token is not null && token.StartsWith(Prefix, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(For(orderId)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
