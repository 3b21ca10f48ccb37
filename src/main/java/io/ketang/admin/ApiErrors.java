package io.ketang.admin;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Refusals of the REST API, each with a JSON {@link ApiError} body. */
final class ApiErrors {

    private ApiErrors() {
    }

    static WebApplicationException of(Response.Status status, String code, String message) {
        return new WebApplicationException(message, Response.status(status)
                .entity(new ApiError(code, message)).type(MediaType.APPLICATION_JSON).build());
    }

    /** 429 with {@code Retry-After} (seconds, rounded up) and {@code retryAfterMs} in the body. */
    static WebApplicationException rateLimited(long retryAfterMs, String message) {
        return new WebApplicationException(message, Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header("Retry-After", Long.toString((retryAfterMs + 999) / 1000))
                .entity(new RateLimited("RATE_LIMITED", message, retryAfterMs)).type(MediaType.APPLICATION_JSON).build());
    }

    /** The body of a 429. */
    public record RateLimited(String code, String message, long retryAfterMs) {
    }

    /** What {@code read} returns, or 503 {@code UNAVAILABLE} with the message when a dependency it reads is away. */
    static <T> T unlessAway(java.util.function.Supplier<T> read, String message) {
        try {
            return read.get();
        } catch (RuntimeException away) {
            throw of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", message);
        }
    }

    static WebApplicationException badRequest(String message) {
        return of(Response.Status.BAD_REQUEST, "BAD_REQUEST", message);
    }
}
