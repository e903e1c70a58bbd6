using Orders.Actors.Orders;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Application;

/// <summary>The two faces of the one application layer; each spells names its own way, and only its own way.</summary>
public enum ApiFace
{
    /// <summary>REST and webhooks: lower snake case ("payment_pending", "hybrid", "succeeded").</summary>
    Rest,
    /// <summary>gRPC: protobuf enum names ("ORDER_STATUS_PAYMENT_PENDING", "RESPONSE_MODE_HYBRID", "STEP_STATUS_SUCCEEDED").</summary>
    Grpc,
}

public static class ApiFaceSpelling
{
    public static string Spell(this ApiFace face, OrderStatus status) => Spell(face, "ORDER_STATUS_", status);

    public static string Spell(this ApiFace face, ResponseMode mode) => Spell(face, "RESPONSE_MODE_", mode);

    public static string Spell(this ApiFace face, StepStatus status) => Spell(face, "STEP_STATUS_", status);

    /// <summary>The error's text as this face says it: the order's status, if the state forbade the call, in this face's spelling.</summary>
    public static string Describe(this ApiFace face, OrderApiException error) =>
        error.Status is { } status ? $"order '{error.OrderId}' is {face.Spell(status)}: {error.Message}" : error.Message;

    private static string Spell<T>(ApiFace face, string protoPrefix, T value) where T : struct, Enum =>
        face == ApiFace.Rest ? Spelling.Snake(value) : protoPrefix + Spelling.Snake(value).ToUpperInvariant();
}
