package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;

import io.ketang.classroom.api.Actor;
import io.ketang.classroom.api.Classroom;
import io.ketang.classroom.api.Messages;
import io.ketang.classroom.api.Outcome;
import io.ketang.flowcontrol.api.Mutes;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.Memberships;
import io.ketang.membership.api.Seat;
import io.ketang.platform.Node;
import io.ketang.push.api.Pulled;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomControl;
import io.ketang.room.api.Admission;
import io.ketang.room.api.Rights;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The frames about a room: {@code join} (with what was missed and the classroom's state),
 * {@code leave}, {@code send}, {@code members}, {@code ack} and {@code pull}. The gateway checks
 * the frame's shape, that the session is in the room, and the budgets; the contexts decide the
 * rest (who may enter, who may say what, what the class holds).
 */
@ApplicationScoped
class RoomFrames {

    private static final Logger LOG = Logger.getLogger(RoomFrames.class.getName());

    /** The most missed messages a {@code joined} carries; a client pulls the rest. */
    static final int MAX_MISSED = 500;

    @Inject
    GatewaySettings settings;

    @Inject
    LocalRooms rooms;

    @Inject
    Connections connections;

    @Inject
    Rooms roomDirectory;

    @Inject
    Memberships memberships;

    @Inject
    Pushes pushes;

    @Inject
    Classroom classroom;

    @Inject
    Messages messages;

    @Inject
    Mutes mutes;

    @Inject
    Node node;

    @Inject
    TurnAways turnAways;

    @Inject
    MetricRegistry metrics;

    private Counter joins;

    @jakarta.annotation.PostConstruct
    void counters() {
        joins = metrics.counter("ketang_gateway_joins");
    }

    void join(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        long since = since(frame);
        Identity who = session.identity;
        if (!who.mayJoin(roomId)) {
            session.send(Frames.error(id, ErrorCode.FORBIDDEN, "the token does not allow this room"));
            return;
        }
        RoomRef ref = new RoomRef(who.bid(), roomId);
        Admission admission;
        long admittedAt = System.nanoTime();
        try {
            admission = roomDirectory.admit(ref, who.uin());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Join check failed: {0}", e.toString());
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot check the room now, retry"));
            return;
        }
        if (admission.outcome() == Admission.Outcome.ADMITTED) {
            enter(session, ref, admission.room(), since, id, admittedAt);
        } else {
            refuse(session, admission, id);
        }
    }

    private static void refuse(ClientSession session, Admission admission, Long id) {
        switch (admission.outcome()) {
            case NO_SUCH_ROOM -> session.send(Frames.error(id, ErrorCode.NO_SUCH_ROOM, "no such room"));
            case NOT_LIVE -> session.send(Frames.error(id, ErrorCode.ROOM_CLOSED, "the room is " + admission.room().status().wireName()));
            case KICKED -> session.send(Frames.reply("error", id).add("code", ErrorCode.FORBIDDEN.name())
                    .add("message", "kicked from this room").add("retryAfterMs", admission.retryAfterMs()).build().toString());
            case ADMITTED -> throw new IllegalArgumentException("an admission is not a refusal");
        }
    }

    /**
     * A kick or the room's close came while this join was under way, after its admission, and its
     * sweep of the room missed this session: the join ends as it would have had it begun after.
     */
    private void turnAway(ClientSession session, RoomRef ref, Long id, RoomControl.Action action) {
        connections.takeOut(session, ref, action == RoomControl.Action.KICKED ? ExitReason.KICKED : ExitReason.CLOSED);
        Admission now;
        try {
            now = roomDirectory.admit(ref, session.identity.uin());
        } catch (RuntimeException e) {
            now = null;
        }
        if (now != null && now.outcome() != Admission.Outcome.ADMITTED) {
            refuse(session, now, id);
        } else if (action == RoomControl.Action.KICKED) {
            session.send(Frames.error(id, ErrorCode.FORBIDDEN, "kicked from this room"));
        } else {
            session.send(Frames.error(id, ErrorCode.ROOM_CLOSED, "the room is closed"));
        }
    }

    /** Admitted: the member list, what was missed, the local room, then {@code joined} and the classroom's {@code state}. */
    private void enter(ClientSession session, RoomRef ref, RoomView room, long since, Long id, long admittedAt) {
        Identity who = session.identity;
        Memberships.Joining joining;
        try {
            joining = memberships.join(ref, who.uin(), who.role(), session.terminal,
                    new Seat(node.id(), session.entry.session()), room.groupSize());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Join not recorded: {0}", e.toString());
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot enter the room now, retry"));
            return;
        }
        Pulled missed;
        try {
            missed = pushes.after(ref, since < 0 ? Long.MAX_VALUE : since, MAX_MISSED, settings.maxReplyBytes());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "History unavailable at join: {0}", e.toString());
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot enter the room now, retry"));
            return;
        }
        chargeReply(session, missed);
        if (joining.group() != null) {
            session.groups.put(ref, joining.group());
        }
        // this node's fan-out first, the session's own set after: whoever takes the room out of
        // that set (a leave, a kick, the socket's close) finds the fan-out to undo in place
        rooms.join(ref, session);
        session.rooms.add(ref);
        if (session.ended) {
            // the socket closed during this join, and its close may have missed the room
            connections.leaveEnded(session, ref);
            return;
        }
        var late = turnAways.since(ref, who.uin(), admittedAt);
        if (late.isPresent()) {
            turnAway(session, ref, id, late.get());
            return;
        }
        joins.inc();
        boolean listed = who.role() != Role.OBSERVER && memberships.member(ref, who.uin()).isEmpty();
        var joined = Frames.reply("joined", id)
                .add("room", ref.room())
                .add("seq", missed.head())
                .add("members", memberships.count(ref) + (listed ? 1 : 0))
                .add("ackEveryMs", ackEveryMs(ref));
        if (since >= 0) {
            joined.add("recovered", missed.complete())
                    .add("more", missed.more())
                    .add("missed", Frames.array(missed.frames()));
        }
        if (joining.group() != null) {
            joined.add("group", joining.group());
        }
        String mutedBecause = mutes.mutedBecause(ref);
        if (mutedBecause != null) {
            joined.add("muted", mutedBecause);
        }
        session.send(joined
                .add("title", room.title())
                .add("status", room.status().wireName())
                .add("teacher", room.teacherUin())
                .add("chatMode", room.chatMode().wireName())
                .add("groupSize", room.groupSize())
                .add("here", rooms.count(ref))
                .build().toString());
        sendState(session, ref, room, mutedBecause);
        if (who.role() != Role.OBSERVER) {
            classroom.entered(ref, who.uin(), who.role(), session.terminal);
        }
    }

    /** What the client draws the class from, right after {@code joined}: see docs/protocol.md, Classroom. */
    private void sendState(ClientSession session, RoomRef ref, RoomView room, String mutedBecause) {
        Identity who = session.identity;
        try {
            var state = Frames.reply("state", null).add("room", ref.room()).add("chatMode", room.chatMode().wireName());
            if (mutedBecause != null) {
                state.add("muted", mutedBecause);
            }
            classroom.state(ref, new Actor(who.uin(), who.role())).forEach(state::add);
            session.send(state.build().toString());
        } catch (RuntimeException e) {
            // Redis answered the join's history a moment ago; the client can rejoin for the state
            LOG.log(Level.WARNING, "The classroom state of a join was not sent: {0}", e.toString());
        }
    }

    /** The seq in {@code since}, or -1 without one. */
    private static long since(JsonObject frame) {
        JsonValue since = frame.get("since");
        if (since == null) {
            return -1;
        }
        if (!(since instanceof JsonObject sinceObject) || !sinceObject.containsKey("seq")) {
            throw new Frames.BadFrame("since must be {\"seq\": n}");
        }
        return Frames.integer(sinceObject, "seq", -1, 0, Long.MAX_VALUE);
    }

    void leave(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        RoomRef room = new RoomRef(session.identity.bid(), roomId);
        connections.takeOut(session, room, ExitReason.CLOSED);
        session.send(Frames.reply("left", id).add("room", roomId).build().toString());
    }

    /**
     * A member's message to a room: the frame's shape, membership of the room and the user's chat
     * budget are the gateway's; everything else the room decides ({@link Messages}).
     */
    void send(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        String kind = Frames.string(frame, "kind");
        JsonValue body = frame.getOrDefault("body", JsonValue.EMPTY_JSON_OBJECT);
        if (!RoomRef.validId(roomId) || kind == null || body.getValueType() != JsonValue.ValueType.OBJECT) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "send needs room, kind and an object body"));
            return;
        }
        if (Rights.rule(kind).isEmpty()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "unknown kind"));
            return;
        }
        Identity who = session.identity;
        RoomRef room = new RoomRef(who.bid(), roomId);
        if (!session.rooms.contains(room)) {
            session.send(Frames.error(id, ErrorCode.NOT_IN_ROOM, "join the room first"));
            return;
        }
        if (Rights.maySend(who.role(), kind) && Messages.spendsChatBudget(who.role(), kind)) {
            long retryAfterMs = session.chat.take(System.nanoTime());
            if (retryAfterMs > 0) {
                session.send(Frames.rateLimited(id, "too many messages", retryAfterMs));
                return;
            }
        }
        // the reply leaves through the flusher threads, never on the thread that completes the
        // send: that is most often the Kafka producer's network thread, which every push of this
        // node goes through. A socket write there that hangs (Liberty waits without a timeout when
        // a blocking write meets a socket its client is closing) would stop the whole node pushing.
        messages.send(new Actor(who.uin(), who.role()), session.groups.get(room), room, kind, body.asJsonObject())
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "A {0} failed: {1}", new Object[] {kind, failure.toString()});
                        session.sendLater(Frames.error(id, ErrorCode.UNAVAILABLE, "not accepted, retry"));
                    } else {
                        session.sendLater(reply(outcome, id));
                    }
                });
    }

    /** {@code sent} (with the message's seq and what the sender learns), or the error the room decided on. */
    private static String reply(Outcome outcome, Long id) {
        var frame = outcome.ok() ? Frames.reply("sent", id)
                : Frames.reply("error", id).add("code", ErrorCode.valueOf(outcome.error()).name()).add("message", outcome.message());
        if (outcome.seq() > 0) {
            frame.add("seq", outcome.seq());
        }
        if (outcome.retryAfterMs() > 0) {
            frame.add("retryAfterMs", outcome.retryAfterMs());
        }
        if (!outcome.result().isEmpty()) {
            frame.add("result", outcome.result());
        }
        return frame.build().toString();
    }

    /** A page of the room's member list, filtered by role and terminal before paging. */
    void members(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        String roleName = Frames.string(frame, "role");
        String terminalName = Frames.string(frame, "terminal");
        var role = roleName == null ? java.util.Optional.<Role>empty() : Role.parse(roleName);
        var terminal = terminalName == null ? java.util.Optional.<Terminal>empty() : Terminal.parse(terminalName);
        long after = Frames.integer(frame, "after", 0, 0, Long.MAX_VALUE);
        long limit = Frames.integer(frame, "limit", 100, 1, Memberships.MAX_PAGE);
        if ((roleName != null && role.isEmpty()) || (terminalName != null && terminal.isEmpty())) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "role, terminal or limit (1.." + Memberships.MAX_PAGE + ") not valid"));
            return;
        }
        MemberPage page = memberships.page(room, role, terminal, after, (int) limit);
        var list = JSON.createArrayBuilder();
        for (Member m : page.members()) {
            list.add(MemberFrames.member(m));
        }
        var reply = Frames.reply("members", id).add("room", room.room()).add("count", memberships.count(room)).add("members", list);
        if (page.next() != null) {
            reply.add("next", page.next());
        }
        session.send(reply.build().toString());
    }

    /** Acknowledges the highest seq the client holds without a gap, and tells it the room's head. */
    void ack(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        long seq = Frames.integer(frame, "seq", 0, 0, Long.MAX_VALUE);
        long head;
        try {
            head = pushes.head(room);
        } catch (RuntimeException e) {
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "history unavailable, retry"));
            return;
        }
        Long before = session.acked.put(room, seq);
        if (seq >= head || before != null && seq > before) {
            // it reads what it is sent: it holds everything, or more than at its last ack (a client
            // that stopped reading acks the same seq while the head moves on)
            session.writer.confirmed();
            session.ackedInTime();
        }
        // a room that is being sent messages writes to this client again within a message's
        // interval: the reply goes with that write rather than costing one of its own
        session.sendSoon(Frames.reply("ack", id).add("room", room.room()).add("seq", seq).add("head", head)
                .add("ackEveryMs", ackEveryMs(room)).build().toString());
    }

    /**
     * How often the room's members should ack, told in {@code joined} and in each ack's reply (the
     * room grows): the push context's pace for the room's size, and always at least three acks
     * within the ack timeout, so a client that keeps the pace is never cut off for not acking.
     */
    private long ackEveryMs(RoomRef room) {
        return Math.min(pushes.ackEveryMs(room), Math.max(1_000, settings.ackTimeoutMs() / 3));
    }

    /** Important messages after a seq, from the room's history: how a client fills a gap. */
    void pull(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        long after = Frames.integer(frame, "after", -1, 0, Long.MAX_VALUE);
        long limit = Frames.integer(frame, "limit", 100, 1, MAX_MISSED);
        if (after < 0) {
            throw new Frames.BadFrame("pull needs after (>= 0)");
        }
        Pulled pulled;
        try {
            pulled = pushes.after(room, after, (int) limit, settings.maxReplyBytes());
        } catch (RuntimeException e) {
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "history unavailable, retry"));
            return;
        }
        chargeReply(session, pulled);
        session.send(Frames.reply("pulled", id).add("room", room.room()).add("head", pulled.head())
                .add("recovered", pulled.complete() || pulled.frames().isEmpty())
                .add("more", pulled.more()).add("msgs", Frames.array(pulled.frames())).build().toString());
    }

    /**
     * A reply of messages from the history costs the frame budget by its size: one token for each
     * full frame's worth of bytes ({@code max-frame-bytes}) beyond the first, which the asking frame
     * paid. So a client cannot make the node read and write far more than it sends.
     */
    private void chargeReply(ClientSession session, Pulled pulled) {
        long extra = pulled.bytes() / settings.maxFrameBytes();
        if (extra > 0) {
            session.frames.charge(extra, System.nanoTime());
        }
    }

    /** The frame's room if the session is in it; otherwise answers the refusal and returns null. */
    private RoomRef joinedRoom(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return null;
        }
        RoomRef room = new RoomRef(session.identity.bid(), roomId);
        if (!session.rooms.contains(room)) {
            session.send(Frames.error(id, ErrorCode.NOT_IN_ROOM, "join the room first"));
            return null;
        }
        return room;
    }
}
