package io.ketang.admin;

import static io.ketang.shared.Jsonp.JSON;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.flowcontrol.api.Mutes;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.shared.RoomRef;

/**
 * Muting chat by hand: one room, or every room of the caller's business. Students' chat is
 * refused with MUTED and every client in the room gets a {@code muted} frame; teachers,
 * assistants and important messages are not affected.
 */
@Path("/v1/mutes")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Mutes", description = "Mute and unmute chat in a room or a whole business")
public class MutesResource {

    @Inject
    Mutes mutes;

    @Inject
    ServiceAuth auth;

    @Inject
    io.ketang.classroom.api.Classroom classroom;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    @GET
    @Path("/rooms/{room}")
    @Operation(summary = "Whether chat in the room is muted, and why (auto, admin, staff, or its business)")
    public Map<String, Object> room(@PathParam("room") String room) {
        return roomState(auth.ownRoom(authorization, room));
    }

    @PUT
    @Path("/rooms/{room}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mute or unmute chat in one room")
    @APIResponse(responseCode = "503", description = "Redis could not store it: nothing changed, retry")
    @APIResponse(responseCode = "400", description = "the body is not {\"muted\": true|false}: nothing changed")
    @APIResponse(responseCode = "404", description = "no such room in the caller's business")
    public Map<String, Object> setRoom(@PathParam("room") String room, JsonValue body) {
        var caller = auth.require(authorization);
        RoomRef ref = auth.existingRoom(caller, room).ref();
        boolean muted = wanted(body);
        try {
            mutes.room(ref, muted, "admin");
        } catch (RuntimeException redisAway) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "mute not stored, retry");
        }
        classroom.audit(ref, ServiceAuth.uin(caller), caller.role(), muted ? "mute" : "unmute",
                JSON.createObjectBuilder().add("reason", "admin").build());
        return roomState(ref);
    }

    @GET
    @Path("/business")
    @Operation(summary = "Whether chat is muted in every room of the caller's business")
    public Map<String, Object> business() {
        return businessState(auth.require(authorization).bid());
    }

    @PUT
    @Path("/business")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mute or unmute chat in every room of the caller's business")
    @APIResponse(responseCode = "503", description = "Redis could not store it: nothing changed, retry")
    @APIResponse(responseCode = "400", description = "the body is not {\"muted\": true|false}: nothing changed")
    public Map<String, Object> setBusiness(JsonValue body) {
        String bid = auth.require(authorization).bid();
        boolean muted = wanted(body);
        try {
            mutes.business(bid, muted, "admin");
        } catch (RuntimeException redisAway) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "mute not stored, retry");
        }
        return businessState(bid);
    }

    private Map<String, Object> roomState(RoomRef room) {
        String reason = mutes.mutedBecause(room);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("room", room.room());
        state.put("muted", reason != null);
        if (reason != null) {
            state.put("reason", reason);
        }
        return state;
    }

    private Map<String, Object> businessState(String bid) {
        return Map.of("muted", mutes.businessMuted(bid));
    }

    /** Only JSON's true or false: a string or a number is refused, never read as false. */
    private static boolean wanted(JsonValue body) {
        JsonValue muted = body != null && body.getValueType() == JsonValue.ValueType.OBJECT ? body.asJsonObject().get("muted") : null;
        if (muted != null && (muted.getValueType() == JsonValue.ValueType.TRUE || muted.getValueType() == JsonValue.ValueType.FALSE)) {
            return muted.getValueType() == JsonValue.ValueType.TRUE;
        }
        throw ApiErrors.badRequest("body must be {\"muted\": true|false}");
    }
}
