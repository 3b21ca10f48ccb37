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

    static WebApplicationException badRequest(String message) {
        return of(Response.Status.BAD_REQUEST, "BAD_REQUEST", message);
    }
}
