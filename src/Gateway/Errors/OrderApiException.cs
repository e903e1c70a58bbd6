using Orders.Actors.Orders;

namespace Orders.Gateway.Errors;

public enum ApiError
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    ResourceExhausted,
    DeadlineExceeded,
    Unavailable,
    UnsupportedMediaType,
    Unauthenticated,
    PermissionDenied,
}

/// <summary>
/// A failed call, described once and mapped by each face (gRPC status, HTTP problem+json). When the order's state
/// forbade the call, <see cref="Status"/> names that state and each face spells it (<see cref="ApiFaceSpelling.Describe"/>).
/// </summary>
public sealed class OrderApiException(ApiError error, string message, IReadOnlyList<FieldViolation>? violations = null, string? orderId = null, OrderStatus? status = null)
    : Exception(message)
{
    public ApiError Error { get; } = error;
    public IReadOnlyList<FieldViolation> Violations { get; } = violations ?? [];
    public string? OrderId { get; } = orderId;
    public OrderStatus? Status { get; } = status;

    public static OrderApiException Invalid(IReadOnlyList<FieldViolation> violations) =>
        new(ApiError.InvalidArgument, $"the request has {violations.Count} invalid field(s): {string.Join("; ", violations.Select(v => $"{v.Field} {v.Message}"))}", violations);
}
