using System.Security.Cryptography.X509Certificates;

namespace Orders.Gateway.Security;

/// <summary>HTTPS for both ports; bound from "Gateway:Tls". A PKCS#12 file (with its password), or a PEM certificate and key.</summary>
public sealed class TlsOptions
{
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }
    /// <summary>For a PEM certificate: the private key's PEM file.</summary>
    public string? KeyPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public X509Certificate2 Load()
    {
        if (!File.Exists(CertificatePath))
            throw new InvalidOperationException($"Gateway:Tls:CertificatePath names '{CertificatePath}', which does not exist");
        try
        {
            if (!string.IsNullOrWhiteSpace(KeyPath)) return X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
            return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"the TLS certificate in '{CertificatePath}' could not be loaded ({e.Message}); " +
                "give a PKCS#12 file with Gateway:Tls:CertificatePassword, or a PEM certificate with Gateway:Tls:KeyPath");
        }
    }
}
