using System.Net;
using Orders.Actors.Hosting;
using Orders.Actors.Services;
using Orders.Gateway.Application;
using Orders.Gateway.Security;
using Orders.Actors.Providers;

namespace Orders.Gateway.Tests.Security;

/// <summary>Nothing listens beyond loopback unless configured, and then not without a token, a real webhook secret and TLS between nodes.</summary>
public sealed class ExposureSpecs
{
    private const string Token = "an-admin-token-of-enough-length-0123";

    private static OrderSystemOptions Orders(string secret = "a-real-webhook-secret", string hostname = "127.0.0.1") =>
        new() { Webhooks = new WebhookSettings { Secret = secret }, Node = new NodeOptions { Hostname = hostname } };

    [Fact]
    public void A_node_bound_beyond_loopback_without_an_admin_token_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Exposure.Check(new GatewayOptions { BindAddress = "0.0.0.0" }, new AdminOptions(), Orders()));
        Assert.Contains("refusing to listen on 0.0.0.0", error.Message);
        Assert.Contains("Orders:Admin:Token", error.Message);
    }

    [Fact]
    public void A_node_bound_beyond_loopback_with_the_development_webhook_secret_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Exposure.Check(new GatewayOptions { BindAddress = "::" }, new AdminOptions { Token = Token }, Orders(WebhookSettings.DevelopmentSecret)));
        Assert.Contains("Orders:Webhooks:Secret", error.Message);
    }

    [Fact]
    public void A_short_admin_token_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Exposure.Check(new GatewayOptions { BindAddress = "0.0.0.0" }, new AdminOptions { Token = "short" }, Orders()));
        Assert.Contains($"shorter than {AdminOptions.MinimumTokenLength}", error.Message);
    }

    [Fact]
    public void Remoting_beyond_loopback_needs_mutual_tls()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Exposure.Check(new GatewayOptions(), new AdminOptions(), Orders(hostname: "10.1.2.3")));
        Assert.Contains("Orders:Node:Tls:CertificatePath", error.Message);
    }

    [Fact]
    public void Configured_properly_it_starts_and_only_warns_about_plain_text()
    {
        var warnings = Exposure.Check(new GatewayOptions { BindAddress = "0.0.0.0" }, new AdminOptions { Token = Token }, Orders());
        Assert.Contains(warnings, w => w.Contains("without TLS"));
        Assert.Empty(Exposure.Check(new GatewayOptions(), new AdminOptions(), Orders(WebhookSettings.DevelopmentSecret)));
    }

    [Fact]
    public void Allow_insecure_starts_anyway_but_says_so()
    {
        var warnings = Exposure.Check(new GatewayOptions { BindAddress = "0.0.0.0", AllowInsecure = true }, new AdminOptions(), Orders(WebhookSettings.DevelopmentSecret));
        Assert.Contains(warnings, w => w.StartsWith("INSECURE") && w.Contains("Orders:Admin:Token") && w.Contains("Orders:Webhooks:Secret"));
    }

    [Fact]
    public void The_gateway_refuses_to_build_rather_than_listen_unprotected()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(["--Gateway:BindAddress=0.0.0.0", "--Gateway:GrpcPort=0", "--Gateway:HttpPort=0"]));
        Assert.Contains("Orders:Admin:Token", error.Message);
    }

    public static TheoryData<string, bool> Callers => new()
    {
        { "127.0.0.1", true },
        { "::1", true },
        { "10.0.0.5", false },
        { "192.168.1.20", false },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public void Without_an_admin_token_only_loopback_callers_are_operators(string address, bool isOperator)
    {
        var access = new CallerAccess(new AdminOptions(), new OrderTokens(new AdminOptions()));
        Assert.Equal(isOperator, access.IsOperator(new Caller(IPAddress.Parse(address), null)));
    }

    [Fact]
    public void With_an_admin_token_loopback_is_not_enough_and_the_token_is_compared_exactly()
    {
        var admin = new AdminOptions { Token = Token };
        var access = new CallerAccess(admin, new OrderTokens(admin));
        Assert.False(access.IsOperator(new Caller(IPAddress.Loopback, null)));
        Assert.False(access.IsOperator(new Caller(IPAddress.Loopback, Token + "x")));
        Assert.True(access.IsOperator(new Caller(IPAddress.Parse("10.0.0.5"), Token)));
    }

    [Fact]
    public void Order_tokens_are_the_same_on_every_node_sharing_the_admin_token_and_differ_per_order()
    {
        var a = new OrderTokens(new AdminOptions { Token = Token });
        var b = new OrderTokens(new AdminOptions { Token = Token });
        var rotated = new OrderTokens(new AdminOptions { Token = Token + "-rotated" });
        Assert.Equal(a.For("o-1"), b.For("o-1"));
        Assert.True(b.Grants(a.For("o-1"), "o-1"));
        Assert.False(b.Grants(a.For("o-1"), "o-2"));
        Assert.False(rotated.Grants(a.For("o-1"), "o-1"));
    }
}
