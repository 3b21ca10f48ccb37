package io.ketang.admin;

import static io.ketang.shared.Jsonp.JSON;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.classroom.api.ClassRecords;
import io.ketang.classroom.api.Classroom;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.room.api.ChatMode;
import io.ketang.room.api.NewRoom;
import io.ketang.room.api.RoomConflictException;
import io.ketang.room.api.RoomStatus;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.room.api.RoomsUnavailableException;
import io.ketang.shared.RoomRef;

/** Rooms of the caller's business: {@code /api/v1/rooms}. Every call needs a service or admin token. */
@Path("/v1/rooms")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Rooms", description = "Create, open, close and read rooms of the caller's business")
public class RoomsResource {

    static final int MAX_PAGE = 500;

    @Inject
    Rooms rooms;

    @Inject
    ServiceAuth auth;

    @Inject
    MemberViews members;

    @Inject
    ClassRecords classRecords;

    @Inject
    Classroom classroom;

    @Inject
    io.ketang.classroom.api.Messages messages;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    /** A room to create; {@code groupSize} 0 means no small-class groups. */
    public record CreateRoom(String room, String title, Long teacherUin, Integer groupSize, String chatMode) {
    }

    /** A room as the API shows it. */
    public record RoomBody(String bid, String room, String title, long teacherUin, String status, int groupSize,
                           String chatMode, Instant createdAt, Instant openedAt, Instant closedAt) {
        static RoomBody of(RoomView v) {
            return new RoomBody(v.ref().bid(), v.ref().room(), v.title(), v.teacherUin(), v.status().wireName(),
                    v.groupSize(), v.chatMode().wireName(), v.createdAt(), v.openedAt(), v.closedAt());
        }
    }

    /** One page of rooms; {@code next} is the cursor for the following page, null at the end. */
    public record RoomPage(List<RoomBody> rooms, String next) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a room (status created)")
    @APIResponse(responseCode = "201", description = "created")
    @APIResponse(responseCode = "409", description = "a room with this id exists")
    public Response create(CreateRoom request) {
        VerifiedToken caller = auth.require(authorization);
        if (request == null || !RoomRef.validId(request.room()) || request.teacherUin() == null) {
            throw ApiErrors.badRequest("room (1..128 of [A-Za-z0-9_.:-]), title and teacherUin are required");
        }
        ChatMode mode = request.chatMode() == null ? ChatMode.OPEN : ChatMode.parse(request.chatMode())
                .orElseThrow(() -> ApiErrors.badRequest("chatMode must be open, group or staff-only"));
        NewRoom room;
        try {
            room = new NewRoom(new RoomRef(caller.bid(), request.room()), request.title(), request.teacherUin(),
                    request.groupSize() == null ? 0 : request.groupSize(), mode);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest(e.getMessage());
        }
        try {
            RoomView created = rooms.create(room);
            return Response.created(URI.create("/api/v1/rooms/" + created.ref().room())).entity(RoomBody.of(created)).build();
        } catch (RoomConflictException e) {
            throw ApiErrors.of(Response.Status.CONFLICT, "CONFLICT", e.getMessage());
        }
    }

    @GET
    @Path("/{room}")
    @Operation(summary = "Read a room")
    @APIResponse(responseCode = "200", description = "the room")
    @APIResponse(responseCode = "404", description = "no such room in the caller's business")
    public RoomBody read(@PathParam("room") String room) {
        VerifiedToken caller = auth.require(authorization);
        return RoomBody.of(rooms.find(ServiceAuth.room(caller, room)).orElseThrow(ServiceAuth::noSuchRoom));
    }

    @GET
    @Operation(summary = "List the business's rooms, by room id, optionally of one status or with an id prefix")
    @APIResponse(responseCode = "200", description = "one page of rooms")
    public RoomPage list(@QueryParam("status") String status, @QueryParam("after") String after,
                         @Parameter(description = "only rooms whose id starts with this") @QueryParam("prefix") String prefix,
                         @Parameter(description = "1..500, default 100", schema = @Schema(type = SchemaType.INTEGER))
                         @QueryParam("limit") String limitParam) {
        VerifiedToken caller = auth.require(authorization);
        int limit = (int) Params.integer(limitParam, "limit", 100, 1, MAX_PAGE);
        Optional<RoomStatus> wanted = Optional.empty();
        if (status != null) {
            try {
                wanted = Optional.of(RoomStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiErrors.badRequest("status must be created, live or ended");
            }
        }
        if (prefix != null && !prefix.isEmpty() && !RoomRef.validId(prefix)) {
            throw ApiErrors.badRequest("prefix must be 1..128 of [A-Za-z0-9_.:-]");
        }
        List<RoomView> page = rooms.list(caller.bid(), wanted, prefix, after, limit + 1);
        boolean more = page.size() > limit;
        List<RoomBody> bodies = page.stream().limit(limit).map(RoomBody::of).toList();
        return new RoomPage(bodies, more ? bodies.get(bodies.size() - 1).room() : null);
    }

    @POST
    @Path("/{room}/open")
    @Operation(summary = "Open the room: it goes live and users may join")
    @APIResponse(responseCode = "200", description = "the room, live")
    @APIResponse(responseCode = "409", description = "the room has ended")
    public RoomBody open(@PathParam("room") String room) {
        VerifiedToken caller = auth.require(authorization);
        return change(() -> rooms.open(ServiceAuth.room(caller, room)));
    }

    @POST
    @Path("/{room}/close")
    @Operation(summary = "Close the room: it ends, and everyone in it is told and removed")
    @APIResponse(responseCode = "200", description = "the room, ended")
    @APIResponse(responseCode = "503", description = "saved, but not yet told to every node: repeat the call")
    public RoomBody close(@PathParam("room") String room) {
        VerifiedToken caller = auth.require(authorization);
        RoomBody closed = change(() -> rooms.close(ServiceAuth.room(caller, room)));
        classroom.audit(ServiceAuth.room(caller, room), ServiceAuth.uin(caller), caller.role(), "close", JsonValue.EMPTY_JSON_OBJECT);
        return closed;
    }

    @PUT
    @Path("/{room}/chat-mode")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change who may chat: open, group (students within their small-class group, staff read all) or staff-only")
    @APIResponse(responseCode = "200", description = "the room, with its new chat mode; the room is told (msg chat.mode)")
    @APIResponse(responseCode = "400", description = "not {\"chatMode\": \"open|group|staff-only\"}")
    @APIResponse(responseCode = "404", description = "no such room in the caller's business")
    public RoomBody chatMode(@PathParam("room") String room, JsonValue body) {
        VerifiedToken caller = auth.require(authorization);
        RoomRef ref = auth.existingRoom(caller, room).ref();
        ChatMode mode = body instanceof JsonObject o && o.get("chatMode") instanceof JsonString s
                ? ChatMode.parse(s.getString()).orElse(null) : null;
        if (mode == null) {
            throw ApiErrors.badRequest("body must be {\"chatMode\": \"open|group|staff-only\"}");
        }
        RoomBody changed = change(() -> rooms.changeChatMode(ref, mode));
        classroom.audit(ref, ServiceAuth.uin(caller), caller.role(), "chat.mode",
                JSON.createObjectBuilder().add("chatMode", mode.wireName()).build());
        return changed;
    }

    @GET
    @Path("/{room}/classroom")
    @Operation(summary = "The classroom now, as its staff see it: the open sign-in and quiz with their counts, live red "
            + "packets, the raised hands in order (the first 100) and the flowers")
    @APIResponse(responseCode = "503", description = "Redis cannot be read now")
    public JsonObject classroomNow(@PathParam("room") String room) {
        RoomRef ref = auth.ownRoom(authorization, room);
        return ApiErrors.unlessAway(() -> classroom.state(ref, new io.ketang.classroom.api.Actor(0, io.ketang.shared.Role.TEACHER)),
                "the classroom cannot be read now, retry");
    }

    @POST
    @Path("/{room}/members/{uin}/kick")
    @Operation(summary = "Kick a user from the room: removed on every node, banned from it for the configured time (10 min), "
            + "the room told with an important kick message, the audit log a line")
    @APIResponse(responseCode = "200", description = "{\"uin\", \"seq\"}: the seq of the room's kick message")
    @APIResponse(responseCode = "404", description = "no such room in the caller's business")
    @APIResponse(responseCode = "503", description = "not carried out or not told to the room: repeat the call (kicking twice is harmless)")
    public java.util.Map<String, Long> kick(@PathParam("room") String room, @PathParam("uin") String uinParam) {
        VerifiedToken caller = auth.require(authorization);
        RoomRef ref = auth.existingRoom(caller, room).ref();
        long uin = Params.integer(uinParam, "uin", 0, 1, Long.MAX_VALUE);
        io.ketang.classroom.api.Outcome outcome;
        try {
            outcome = messages.kick(ref, uin, ServiceAuth.uin(caller), caller.role()).toCompletableFuture()
                    .get(PushResource.TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "not carried out, retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "interrupted, retry");
        }
        if (!outcome.ok()) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", outcome.message());
        }
        return java.util.Map.of("uin", uin, "seq", outcome.seq());
    }

    /** Reads a record page, answering 503 while PostgreSQL is away. */
    private static JsonObject records(java.util.function.Supplier<JsonObject> read) {
        try {
            return read.get();
        } catch (RuntimeException databaseAway) {
            java.util.logging.Logger.getLogger(RoomsResource.class.getName()).log(java.util.logging.Level.WARNING,
                    "Classroom records not read: {0}", databaseAway.toString());
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "records cannot be read now, retry");
        }
    }

    @GET
    @Path("/{room}/signins")
    @Operation(summary = "The room's closed sign-ins with their counts, newest first (next: the cursor for before)")
    public JsonObject signins(@PathParam("room") String room, @QueryParam("before") String before, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long b = Params.integer(before, "before", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 100, 1, MAX_PAGE);
        return records(() -> classRecords.signins(ref, b, l));
    }

    @GET
    @Path("/{room}/attendance")
    @Operation(summary = "One sign-in's attendance per student (signed, late, absent) in uin order (next: the cursor for after)")
    public JsonObject attendance(@PathParam("room") String room, @QueryParam("signin") String signin,
                                 @QueryParam("after") String after, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long id = Params.integer(signin, "signin", -1, 1, Long.MAX_VALUE);
        if (id < 0) {
            throw ApiErrors.badRequest("signin (the sign-in's id) is required");
        }
        long a = Params.integer(after, "after", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 500, 1, 5_000);
        return records(() -> classRecords.attendance(ref, id, a, l));
    }

    @GET
    @Path("/{room}/quizzes")
    @Operation(summary = "The room's closed quizzes with their distribution and correct count, newest first")
    public JsonObject quizzes(@PathParam("room") String room, @QueryParam("before") String before, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long b = Params.integer(before, "before", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 100, 1, MAX_PAGE);
        return records(() -> classRecords.quizzes(ref, b, l));
    }

    @GET
    @Path("/{room}/quizzes/{quiz}/answers")
    @Operation(summary = "One quiz's answers per student in uin order")
    public JsonObject answers(@PathParam("room") String room, @PathParam("quiz") String quiz,
                              @QueryParam("after") String after, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long id = Params.integer(quiz, "quiz", 0, 1, Long.MAX_VALUE);
        long a = Params.integer(after, "after", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 500, 1, 5_000);
        return records(() -> classRecords.answers(ref, id, a, l));
    }

    @GET
    @Path("/{room}/redpackets")
    @Operation(summary = "The room's settled red packets: claimed and unclaimed cents and shares, newest first")
    public JsonObject redpackets(@PathParam("room") String room, @QueryParam("before") String before, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long b = Params.integer(before, "before", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 100, 1, MAX_PAGE);
        return records(() -> classRecords.redpackets(ref, b, l));
    }

    @GET
    @Path("/{room}/redpackets/{packet}/grabs")
    @Operation(summary = "One red packet's grabs (uin to cents) from the ledger, beside what Redis holds")
    public JsonObject grabs(@PathParam("room") String room, @PathParam("packet") String packet) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long id = Params.integer(packet, "packet", 0, 1, Long.MAX_VALUE);
        return records(() -> classRecords.grabs(ref, id));
    }

    @GET
    @Path("/{room}/audit")
    @Operation(summary = "What staff and admins did to the room (kick, mute, unmute, chat mode, close), oldest first")
    public JsonObject audit(@PathParam("room") String room, @QueryParam("after") String after, @QueryParam("limit") String limit) {
        RoomRef ref = auth.ownRoom(authorization, room);
        long a = Params.integer(after, "after", 0, 0, Long.MAX_VALUE);
        int l = (int) Params.integer(limit, "limit", 100, 1, MAX_PAGE);
        return records(() -> classRecords.audit(ref, a, l));
    }

    @GET
    @Path("/{room}/members")
    @Operation(summary = "A page of the room's members in uin order, filtered by role, terminal and group before paging")
    @APIResponse(responseCode = "200", description = "one page; next is the cursor (a uin) for the next page")
    public MemberViews.MembersBody members(@PathParam("room") String room, @QueryParam("role") String role,
                                               @QueryParam("terminal") String terminal,
                                               @Parameter(description = "a small-class group") @QueryParam("group") String group,
                                               @Parameter(description = "the last uin of the previous page, 0 to start",
                                                       schema = @Schema(type = SchemaType.INTEGER))
                                               @QueryParam("after") String after,
                                               @Parameter(description = "1..500, default 100", schema = @Schema(type = SchemaType.INTEGER))
                                               @QueryParam("limit") String limit) {
        return members.members(authorization, room, role, terminal, group, after, limit);
    }

    @GET
    @Path("/{room}/counts")
    @Operation(summary = "How many are in the room, per role and per small-class group")
    @APIResponse(responseCode = "200", description = "the counts")
    public MemberViews.CountsBody counts(@PathParam("room") String room) {
        return members.counts(authorization, room);
    }

    private static RoomBody change(java.util.function.Supplier<Optional<RoomView>> change) {
        try {
            return RoomBody.of(change.get().orElseThrow(ServiceAuth::noSuchRoom));
        } catch (RoomConflictException e) {
            throw ApiErrors.of(Response.Status.CONFLICT, "CONFLICT", e.getMessage());
        } catch (RoomsUnavailableException e) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", e.getMessage());
        }
    }

}
