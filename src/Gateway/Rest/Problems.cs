using System.Text.Json;
using Orders.Actors.Orders;
using Orders.Gateway.Application;
using Orders.Gateway.Errors;

namespace Orders.Gateway.Rest;

/// <summary>RFC 9457 problem details, with every invalid field listed.</summary>
public static class Problems
{
    public sealed record FieldError(string Field, string Message);

    public sealed record Problem(string Type, string Title, int Status, string Detail, string Code, IReadOnlyList<FieldError>? Errors);

    public static Task WriteAsync(HttpContext http, OrderApiException e)
    {
        var (status, code) = e.Error switch
        {
            ApiError.InvalidArgument => (400, "invalid-argument"),
            ApiError.NotFound => (404, "not-found"),
            ApiError.AlreadyExists => (409, "already-exists"),
            ApiError.FailedPrecondition => (409, "failed-precondition"),
            ApiError.ResourceExhausted => (503, "resource-exhausted"),
            ApiError.DeadlineExceeded => (504, "deadline-exceeded"),
            ApiError.UnsupportedMediaType => (415, "unsupported-media-type"),
            ApiError.Unauthenticated => (401, "unauthenticated"),
            ApiError.PermissionDenied => (403, "permission-denied"),
            _ => (503, "unavailable"),
        };
        if (e.Error is ApiError.ResourceExhausted or ApiError.Unavailable) http.Response.Headers.RetryAfter = "1";
        if (e.Error is ApiError.Unauthenticated) http.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(http, status, code, ApiFace.Rest.Describe(e), e.Violations);
    }

    public static Task WriteAsync(HttpContext http, int status, string code, string detail, IReadOnlyList<FieldViolation> violations)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        var problem = new Problem($"/problems/{code}", Title(code), status, detail, code,
            violations.Count == 0 ? null : violations.Select(v => new FieldError(v.Field, v.Message)).ToList());
        return JsonSerializer.SerializeAsync(http.Response.Body, problem, RestJson.Options);
    }

    private static string Title(string code) => code switch
    {
        "invalid-argument" => "The request is invalid",
        "not-found" => "Not found",
        "already-exists" => "The order id is taken by a different order",
        "failed-precondition" => "The order's state does not allow this",
        "resource-exhausted" => "The service is saturated",
        "deadline-exceeded" => "No answer before the deadline",
        "bad-request" => "The request could not be read",
        "unsupported-media-type" => "The body is not JSON",
        "unauthenticated" => "Credentials are needed",
        "permission-denied" => "The credentials do not allow this",
        "internal" => "The server failed",
        _ => "The service is unavailable",
    };
}
