using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orders.Gateway.Tests.Support;

/// <summary>Self-signed certificates written as PKCS#12 files, as an operator would deploy them.</summary>
public static class TestCertificates
{
    public const string Password = "test-pfx-password";

    public static (string Path, X509Certificate2 Certificate) Create(string subject = "CN=localhost")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"orders-test-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return (path, X509CertificateLoader.LoadPkcs12FromFile(path, Password));
    }
}
