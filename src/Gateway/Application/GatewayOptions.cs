using Orders.Gateway.Security;

namespace Orders.Gateway.Application;

/// <summary>The gateway's own settings; bound from "Gateway".</summary>
public sealed class GatewayOptions
{
    /// <summary>Loopback by default: exposing the node is an explicit decision.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
    /// <summary>gRPC over HTTP/2 without TLS (h2c). 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 5081;
    /// <summary>REST, Server-Sent Events and health over HTTP/1.1. 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 5080;
    /// <summary>
    /// Calls in flight beyond which new ones are refused at once (RESOURCE_EXHAUSTED / 503) instead of queueing.
    /// Measured on 2 cores with the seed's latencies (bench overload, 2,000 HYBRID clients for 30 s): at 20,000 nothing
    /// was shed, 5,418 calls ran into their 5 s deadline and RSS peaked at 938 MB; at 1,000 the excess was refused at
    /// once, 1,396 calls ran into the deadline and RSS peaked at 583 MB.
    /// </summary>
    public int MaxInFlight { get; set; } = 1_000;
    /// <summary>
    /// A node that has gone quiet holding this many MB of heap more than after its last release compacts and returns
    /// them to the operating system (Health/IdleHeapRelease). 0 leaves the heap to the garbage collector alone.
    /// </summary>
    public int ReleaseIdleHeapAboveMegabytes { get; set; } = 128;
    /// <summary>How long a call may wait for its answer when the client set no deadline.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// An idempotent call (place, get) with no answer yet is sent again this often: cluster sharding delivers at most
    /// once, and drops messages it had buffered for a shard that moves (a node leaving, a rebalance).
    /// </summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// For this long after the database returns from an outage, a call that has no answer within
    /// <see cref="AnswerWithinAfterOutage"/> is refused (503 / UNAVAILABLE, retry with the same order id) instead of
    /// waiting for the parts of the node that are still coming back (the shard coordinator's restart, a shard's).
    /// SYNC placements are exempt: they wait for the whole order by design.
    /// </summary>
    public TimeSpan AfterOutageFor { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan AnswerWithinAfterOutage { get; set; } = TimeSpan.FromMilliseconds(750);
    public int MaxRequestBytes { get; set; } = 64 * 1024;
    /// <summary>Seconds a REST client is told to wait before polling an accepted order.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
    /// <summary>HTTPS on both ports when a certificate is given.</summary>
    public TlsOptions Tls { get; set; } = new();
    /// <summary>Start beyond loopback even without an admin token or a real webhook secret; logged loudly at every start.</summary>
    public bool AllowInsecure { get; set; }
}
