package io.ketang.admin;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Heartbeats from access layers that are not WebSocket: {@code POST /api/v1/heartbeats} with a
 * batch of {@code {"room","uin","terminal","role"}}. They take the same path as the gateway's:
 * merged, written to the heartbeats topic, timed by the user's owner; a heartbeat for someone
 * missing from the room's list puts them back.
 */
@Path("/v1/heartbeats")
@RequestScoped
@Tag(name = "Heartbeats", description = "Liveness reports from non-WebSocket access layers")
public class HeartbeatsResource {

    static final int MAX_BATCH = 10_000;

    @Inject
    Heartbeats heartbeats;

    @Inject
    ServiceAuth auth;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    /** One user alive in one room; role defaults to student. */
    public record HeartbeatBody(String room, Long uin, String terminal, String role) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report a batch of heartbeats")
    @APIResponse(responseCode = "202", description = "accepted: they will be written with the next flush")
    @APIResponse(responseCode = "404", description = "a room of the batch is not one of the caller's business: none was taken")
    public Response report(List<HeartbeatBody> batch) {
        VerifiedToken caller = auth.require(authorization);
        if (batch == null || batch.isEmpty() || batch.size() > MAX_BATCH) {
            throw ApiErrors.badRequest("a batch of 1.." + MAX_BATCH + " heartbeats is required");
        }
        long now = System.currentTimeMillis();
        List<Beat> beats = batch.stream().map(b -> {
            if (b == null || !RoomRef.validId(b.room()) || b.uin() == null || b.uin() <= 0) {
                throw ApiErrors.badRequest("each heartbeat needs room and uin");
            }
            Terminal terminal = Terminal.parse(b.terminal()).orElseThrow(() -> ApiErrors.badRequest("terminal must be web, app or pc"));
            Role role = b.role() == null ? Role.STUDENT : Role.parse(b.role()).orElseThrow(() -> ApiErrors.badRequest("unknown role"));
            return new Beat(new RoomRef(caller.bid(), b.room()), b.uin(), role, terminal, now);
        }).toList();
        // a heartbeat can put someone back into a room's list: only into rooms the business has
        Set<String> rooms = new HashSet<>();
        for (Beat beat : beats) {
            if (rooms.add(beat.room().room())) {
                auth.existingRoom(caller, beat.room().room());
            }
        }
        beats.forEach(heartbeats::note);
        return Response.accepted().build();
    }
}
