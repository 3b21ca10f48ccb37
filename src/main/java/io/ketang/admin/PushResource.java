package io.ketang.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.classroom.api.Messages;
import io.ketang.classroom.api.Outcome;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.push.api.MessageBody;
import io.ketang.push.api.Priority;
import io.ketang.push.api.Target;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Pushes from business backends: {@code POST /api/v1/push} with a service token. A room-wide
 * important push answers 202 with its seq, once it is in the room's history and Kafka has it.
 */
@Path("/v1/push")
@RequestScoped
@Tag(name = "Push", description = "Messages from business backends to rooms and users")
public class PushResource {

    static final long TIMEOUT_MS = 10_000;

    /** Longest message kind. */
    static final int MAX_KIND = 64;

    /** Most users one push may name. */
    static final int MAX_UINS = 10_000;

    @Inject
    Messages messages;

    @Inject
    ServiceAuth auth;


    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    /** Who a push is for: type room, users, role, terminal or group, with the matching field. */
    public record TargetBody(String type, List<Long> uins, String role, String terminal, String group) {
    }

    /** A push; without a room, the target must be users (unicast wherever they are). */
    public record PushBody(String room, TargetBody target, String priority, String kind, JsonObject body) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Push a message to a room, part of a room, or users wherever they are")
    @APIResponse(responseCode = "202", description = "accepted; {\"seq\":n} for a room-wide important push")
    @APIResponse(responseCode = "400", description = "bad input (kind, priority, target, body nested too deep)")
    @APIResponse(responseCode = "404", description = "no such room in the caller's business")
    @APIResponse(responseCode = "409", description = "the room has ended")
    @APIResponse(responseCode = "413", description = "the body is larger than 16 KiB (or the request than the REST limit)")
    @APIResponse(responseCode = "429", description = "over the business's push limit (or, for normal pushes, the cluster's): retry after retryAfterMs")
    @APIResponse(responseCode = "503", description = "Kafka or Redis could not take it: nothing was sent, retry")
    public Response push(PushBody request) {
        VerifiedToken caller = auth.require(authorization);
        if (request == null || request.kind() == null || request.kind().length() > MAX_KIND || !RoomRef.validId(request.kind())) {
            throw ApiErrors.badRequest("kind (1.." + MAX_KIND + " of [A-Za-z0-9_.:-]) is required");
        }
        String body = body(request.body());
        Priority priority = priority(request.priority());
        Target target = target(request.target());
        CompletionStage<Outcome> sending;
        if (request.room() != null) {
            // the room decides: it must exist in the caller's business and not have ended, before any seq or history
            sending = messages.push(ServiceAuth.room(caller, request.room()), target, priority, request.kind(), body);
        } else {
            usersOnly(target);
            sending = messages.pushToUsers(caller.bid(), target.uins(), request.kind(), body);
        }
        Outcome outcome;
        try {
            outcome = sending.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "not sent, retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "interrupted, retry");
        }
        if (outcome.ok()) {
            return Response.accepted(outcome.seq() > 0 ? Map.of("seq", outcome.seq()) : Map.of()).build();
        }
        throw switch (outcome.error()) {
            case "NO_SUCH_ROOM" -> ServiceAuth.noSuchRoom();
            case "ROOM_CLOSED" -> ApiErrors.of(Response.Status.CONFLICT, "ROOM_CLOSED", outcome.message());
            case "RATE_LIMITED" -> ApiErrors.rateLimited(outcome.retryAfterMs(), outcome.message());
            default -> ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", outcome.message());
        };
    }

    private static String body(JsonObject body) {
        if (body == null) {
            return "{}";
        }
        try {
            return MessageBody.encode(body);
        } catch (MessageBody.TooLarge e) {
            throw ApiErrors.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest(e.getMessage());
        }
    }

    private static Priority priority(String priority) {
        if (priority == null || "normal".equalsIgnoreCase(priority)) {
            return Priority.NORMAL;
        }
        if ("important".equalsIgnoreCase(priority)) {
            return Priority.IMPORTANT;
        }
        throw ApiErrors.badRequest("priority must be important or normal");
    }

    private static Target target(TargetBody t) {
        if (t == null || t.type() == null) {
            return Target.ROOM;
        }
        if (t.uins() != null && (t.uins().size() > MAX_UINS || t.uins().stream().anyMatch(uin -> uin == null || uin <= 0))) {
            throw ApiErrors.badRequest("target.uins must be 1.." + MAX_UINS + " positive user ids");
        }
        try {
            Target.Type type = Target.Type.valueOf(t.type().toUpperCase(java.util.Locale.ROOT));
            return new Target(type, t.uins() == null ? Set.of() : Set.copyOf(t.uins()),
                    t.role() == null ? null : Role.parse(t.role()).orElseThrow(() -> ApiErrors.badRequest("unknown role")),
                    t.terminal() == null ? null : Terminal.parse(t.terminal()).orElseThrow(() -> ApiErrors.badRequest("unknown terminal")),
                    t.group());
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest("target: " + e.getMessage());
        }
    }

    private static void usersOnly(Target target) {
        if (target.type() != Target.Type.USERS) {
            throw ApiErrors.badRequest("a push without a room needs a users target");
        }
    }
}
