using System.Net;
using Orders.Contracts.V1;
using Orders.Gateway.Tests.Support;

namespace Orders.Gateway.Tests.Security;

/// <summary>HTTPS on both ports from a certificate file: gRPC over TLS (HTTP/2, ALPN) and REST over TLS; plain text is not spoken.</summary>
public sealed class TlsSpecs
{
    [Fact]
    public async Task Both_faces_speak_tls_with_the_configured_certificate()
    {
        var (path, certificate) = TestCertificates.Create();
        try
        {
            await using var server = await GatewayServer.StartAsync(null, null, certificate,
                $"--Gateway:Tls:CertificatePath={path}", $"--Gateway:Tls:CertificatePassword={TestCertificates.Password}");
            Assert.Equal("https", server.GrpcAddress.Scheme);

            var placed = await server.Client.PlaceOrderAsync(GatewayServer.Order());
            Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
            using var rest = await server.Http.GetAsync($"/v1/orders/{placed.Order.OrderId}");
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);

            using var plain = new HttpClient { BaseAddress = new Uri($"http://{server.HttpAddress.Authority}") };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync("/health/ready"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_certificate_that_cannot_be_loaded_stops_the_start_with_its_path()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(["--Gateway:Tls:CertificatePath=/nonexistent/cert.pfx"]));
        Assert.Contains("/nonexistent/cert.pfx", error.Message);
    }
}
