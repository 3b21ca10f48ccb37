package io.ketang.admin;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Every refusal of the REST API has a JSON {@link ApiError} body and says nothing of the server's
 * insides: a body that is not JSON of the expected shape is 400, one over the size limit 413,
 * a JAX-RS refusal without a body (unknown path, wrong method or media type) keeps its status and
 * gets a body, the database away is a 503, and anything unforeseen is a 500 with code
 * {@code INTERNAL}, logged here.
 */
final class RestErrors {

    private static final Logger LOG = Logger.getLogger(RestErrors.class.getName());

    private RestErrors() {
    }

    static Response json(Response.Status status, String code, String message) {
        return Response.status(status).entity(new ApiError(code, message)).type(MediaType.APPLICATION_JSON).build();
    }

    /** The answer to a request body that could not be read into what the call takes. */
    static Response unreadable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return json(Response.Status.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE", tooLarge.getMessage());
            }
        }
        return json(Response.Status.BAD_REQUEST, "BAD_REQUEST", "the body is not JSON of the expected shape");
    }

    /** A body that passed the size limit while it was read. */
    @Provider
    public static final class Oversized implements ExceptionMapper<BodyLimit.TooLarge> {
        @Override
        public Response toResponse(BodyLimit.TooLarge e) {
            return unreadable(e);
        }
    }

    /** JSON-B could not read the body (malformed JSON, a string where a number belongs, ...). */
    @Provider
    public static final class Unbindable implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return unreadable(e);
        }
    }

    /** JSON-P could not read the body (where a call takes a JsonObject). */
    @Provider
    public static final class Unparsable implements ExceptionMapper<JsonException> {
        @Override
        public Response toResponse(JsonException e) {
            return unreadable(e);
        }
    }

    /** The runtime could not read the body: the JSON providers wrap their failures in this. */
    @Provider
    public static final class Unprocessable implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return unreadable(e);
        }
    }

    /** Refusals the runtime makes itself (404 for an unknown path, 405, 415, ...) get a JSON body too. */
    @Provider
    public static final class Refused implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response given = e.getResponse();
            if (given.hasEntity()) {
                return given;
            }
            Response.StatusType status = given.getStatusInfo();
            if (status.getFamily() == Response.Status.Family.SERVER_ERROR) {
                LOG.log(Level.WARNING, "A REST call failed", e);
            }
            String code = status.getReasonPhrase().toUpperCase(Locale.ROOT).replace(' ', '_');
            return Response.status(status.getStatusCode()).entity(new ApiError(code, status.getReasonPhrase().toLowerCase(Locale.ROOT)))
                    .type(MediaType.APPLICATION_JSON).build();
        }
    }

    /**
     * Anything else is our fault, logged with its stack and answered without it; except the
     * database being unreachable (a connection refused, lost or not to be had from the pool in
     * time), which is 503 {@code UNAVAILABLE}: the caller may retry.
     */
    @Provider
    public static final class Unforeseen implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            if (databaseAway(e)) {
                LOG.log(Level.WARNING, "A REST call found the database away: {0}", e.getClass().getName());
                return json(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "the database is unavailable, retry");
            }
            LOG.log(Level.SEVERE, "A REST call failed unexpectedly", e);
            return json(Response.Status.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error");
        }
    }

    /** A connection failure somewhere in the causes: SQL state class 08 (connection exception), or a transient connection failure. */
    static boolean databaseAway(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
