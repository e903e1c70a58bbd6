using System.Net.Http.Headers;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Orders.Contracts.V1;

namespace Orders.Bench.Chaos;

/// <summary>What one hostile request got back: an HTTP status, or a gRPC status code.</summary>
public sealed record HostileOutcome(string Request, string Face, string Status, bool ServerError);

/// <summary>
/// A corpus of hostile requests on both faces, the hardening report's reproducers among them. None may be answered
/// with a server error, and none may store anything.
/// </summary>
public static class HostileRequests
{
    private const string Valid = """{"order_id":"ID","customer_email":"ada@example.com","currency":"EUR","payment_token":"tok_visa","items":[{"sku":"SKU","quantity":1,"unit_price_minor":1999}]}""";

    private static string Order(string sku, string items = "", string id = "", string currency = "\"EUR\"", string extra = "") =>
        $$"""{"order_id":"{{(id.Length > 0 ? id : $"fz-{Guid.NewGuid():N}"[..20])}}","customer_email":"ada@example.com","currency":{{currency}},"payment_token":"tok_visa","items":{{(items.Length > 0 ? items : $"[{{\"sku\":\"{sku}\",\"quantity\":1,\"unit_price_minor\":1999}}]")}}{{extra}}}""";

    /// <summary>Every request of the corpus against one node; <paramref name="sku"/> is a stocked SKU, <paramref name="ownPort"/> one of the node's own ports.</summary>
    public static async Task<IReadOnlyList<HostileOutcome>> SendAllAsync(HttpClient rest, GrpcChannel channel, string sku, int ownPort)
    {
        var outcomes = new List<HostileOutcome>();
        async Task Rest(string name, HttpMethod method, string path, string? body, string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
            // A server refusing a body over its limit answers 413 and closes the connection without reading the rest, so a
            // client still writing it may see a broken pipe before it reads the 413. Announcing a large body, as RFC 9110
            // asks clients to, makes the 413 the answer every time; the raw requests below cover clients that don't.
            request.Headers.ExpectContinue = body?.Length > 16 * 1024;
            using var response = await rest.SendAsync(request);
            outcomes.Add(new HostileOutcome(name, "REST", ((int)response.StatusCode).ToString(), (int)response.StatusCode >= 500));
        }
        async Task Raw(string name, string http)
        {
            var status = await RawHttp.SendAsync(rest.BaseAddress!, http);
            outcomes.Add(new HostileOutcome(name, "REST (raw)", status.ToString(), status >= 500));
        }
        async Task Grpc(string name, string method, byte[] message)
        {
            var status = await RawGrpc.CallAsync(channel, "orders.v1.OrderService", method, message);
            outcomes.Add(new HostileOutcome(name, "gRPC", status.ToString(), status is StatusCode.Unknown or StatusCode.Internal or StatusCode.DataLoss));
        }

        var post = HttpMethod.Post;
        var item = (string price) => $$"""[{"sku":"{{sku}}","quantity":2,"unit_price_minor":{{price}}}]""";
        await Rest("line total overflowing 64 bits", post, "/v1/orders", Order(sku, item("4611686018427387904")));
        await Rest("two lines at the largest price", post, "/v1/orders", Order(sku, $$"""[{"sku":"{{sku}}","quantity":1,"unit_price_minor":9223372036854775807},{"sku":"{{sku}}","quantity":1,"unit_price_minor":9223372036854775807}]"""));
        await Rest("price beyond 64 bits", post, "/v1/orders", Order(sku, item("92233720368547758070")));
        await Rest("missing unit_price_minor", post, "/v1/orders", Order(sku, $$"""[{"sku":"{{sku}}","quantity":1}]"""));
        await Rest("negative price", post, "/v1/orders", Order(sku, item("-1")));
        await Rest("quantity 1e20", post, "/v1/orders", Order(sku, $$"""[{"sku":"{{sku}}","quantity":1e20,"unit_price_minor":1}]"""));
        await Rest("quantity -1", post, "/v1/orders", Order(sku, $$"""[{"sku":"{{sku}}","quantity":-1,"unit_price_minor":1}]"""));
        await Rest("order id with a trailing newline", post, "/v1/orders", Order(sku, id: "r-nl\\n"));
        await Rest("currency with a trailing newline", post, "/v1/orders", Order(sku, currency: "\"EUR\\n\""));
        await Rest("SKU with a trailing newline", post, "/v1/orders", Order(sku + "\\n"));
        await Rest("control character in the email", post, "/v1/orders", Order(sku).Replace("ada@", "ada\\u0007@"));
        await Rest("an order id of 1 MB", post, "/v1/orders", Order(sku, id: new string('a', 1 << 20)));
        await Rest("unknown response mode", post, "/v1/orders", Order(sku, extra: ",\"mode\":\"warp\""));
        await Rest("callback to the node's own port", post, "/v1/orders", Order(sku, extra: $",\"callback_url\":\"http://127.0.0.1:{ownPort}/v1/simulations/payment\""));
        await Rest("callback to a file", post, "/v1/orders", Order(sku, extra: ",\"callback_url\":\"file:///etc/passwd\""));
        await Rest("never-stocked SKU", post, "/v1/orders", Order("NEVER-STOCKED-9"));
        await Rest("truncated JSON", post, "/v1/orders", Valid[..40]);
        await Rest("JSON array", post, "/v1/orders", "[]");
        await Rest("empty body", post, "/v1/orders", "");
        await Rest("JSON nested 10,000 deep", post, "/v1/orders", new string('[', 10_000) + new string(']', 10_000));
        await Rest("content type application/jsonx", post, "/v1/orders", Order(sku), "application/jsonx");
        await Rest("content type text/plain", post, "/v1/orders", Order(sku), "text/plain");
        await Rest("infinite simulated latency", HttpMethod.Put, "/v1/simulations/payment", """{"latency_ms":1e309}""");
        await Rest("error rate above 1", HttpMethod.Put, "/v1/simulations/payment", """{"latency_ms":0,"error_rate":1.5}""");
        await Rest("unknown provider", HttpMethod.Put, "/v1/simulations/teleporter", """{"latency_ms":0}""");
        await Rest("order id with a newline in the path", HttpMethod.Get, "/v1/orders/r-nl%0A", null);
        await Rest("order id with a NUL in the path", HttpMethod.Get, "/v1/orders/a%00b", null);
        await Rest("SKU with a newline in the path", HttpMethod.Get, "/v1/inventory/SKU%0A", null);
        await Rest("negative page size", HttpMethod.Get, "/v1/orders?page_size=-1", null);
        await Rest("forged page token", HttpMethod.Get, "/v1/orders?page_token=%%%%", null);
        await Rest("cancel reason of 100 kB", post, "/v1/orders/fz-none/cancel", $$"""{"reason":"{{new string('x', 100_000)}}"}""");
        await Raw("chunk size ffffffffffffffff", "POST /v1/orders HTTP/1.1\nHost: localhost\nContent-Type: application/json\nTransfer-Encoding: chunked\n\nffffffffffffffff\n{}\n0\n\n");
        await Raw("chunk size that is not hex", "POST /v1/orders HTTP/1.1\nHost: localhost\nContent-Type: application/json\nTransfer-Encoding: chunked\n\nzz\n{}\n0\n\n");
        await Raw("request line of garbage", "\u0001\u0002 / HTTP/1.1\nHost: localhost\n\n");

        byte[] Field(int number, byte[] content) => RawGrpc.Field(number, content);
        await Grpc("order id that is not UTF-8", "PlaceOrder", Field(1, [0x6f, 0xff, 0xfe]));
        await Grpc("item that is not UTF-8", "PlaceOrder", Field(3, Field(1, [0xc3, 0x28])));
        await Grpc("field cut short", "PlaceOrder", [0x0a, 0x40, 0x61]);
        await Grpc("tag of wire type 7", "PlaceOrder", [0x0f, 0x01]);
        await Grpc("get with an id that is not UTF-8", "GetOrder", Field(1, [0xff]));
        await Grpc("empty order id", "GetOrder", []);
        var overflow = new PlaceOrderRequest
        {
            OrderId = $"fz-{Guid.NewGuid():N}"[..20], CustomerEmail = "ada@example.com", Currency = "EUR", PaymentToken = "tok_visa",
            Items = { new OrderItem { Sku = sku, Quantity = 2, UnitPriceMinor = 4611686018427387904 } },
        };
        await Grpc("line total overflowing 64 bits", "PlaceOrder", Google.Protobuf.MessageExtensions.ToByteArray(overflow));
        overflow.Items[0].ClearUnitPriceMinor();
        await Grpc("missing unit_price_minor", "PlaceOrder", Google.Protobuf.MessageExtensions.ToByteArray(overflow));
        overflow.Items[0].UnitPriceMinor = 1;
        overflow.OrderId = "r-nl\n";
        await Grpc("order id with a trailing newline", "PlaceOrder", Google.Protobuf.MessageExtensions.ToByteArray(overflow));
        await Grpc("negative page size", "ListOrders", Google.Protobuf.MessageExtensions.ToByteArray(new ListOrdersRequest { PageSize = -5 }));
        return outcomes;
    }

    /// <summary>
    /// <paramref name="count"/> order bodies with random bytes flipped, inserted or cut: what a broken client sends.
    /// Some still parse and are valid orders; none may be a server error.
    /// </summary>
    public static async Task<IReadOnlyList<HostileOutcome>> SendMutatedAsync(HttpClient rest, string sku, int count, int seed)
    {
        var random = new Random(seed);
        var outcomes = new List<HostileOutcome>();
        for (var i = 0; i < count; i++)
        {
            var body = Encoding.UTF8.GetBytes(Valid.Replace("\"ID\"", $"\"fz-m{seed}-{i}\"").Replace("\"SKU\"", $"\"{sku}\"")).ToList();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var at = random.Next(body.Count);
                switch (random.Next(3))
                {
                    case 0: body[at] = (byte)random.Next(256); break;
                    case 1: body.Insert(at, (byte)random.Next(256)); break;
                    default: body.RemoveAt(at); break;
                }
            }
            using var content = new ByteArrayContent([.. body]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await rest.PostAsync("/v1/orders", content);
            outcomes.Add(new HostileOutcome($"mutated body {i}", "REST", ((int)response.StatusCode).ToString(), (int)response.StatusCode >= 500));
        }
        return outcomes;
    }
}
