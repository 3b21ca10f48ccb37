package io.ketang.classroom.api;

import static io.ketang.shared.Jsonp.JSON;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import io.ketang.flowcontrol.api.Admission;
import io.ketang.flowcontrol.api.FlowControl;
import io.ketang.flowcontrol.api.Mutes;
import io.ketang.push.api.MessageBody;
import io.ketang.push.api.Priority;
import io.ketang.push.api.Published;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.Target;
import io.ketang.room.api.ChatMode;
import io.ketang.room.api.Rights;
import io.ketang.room.api.RoomStatus;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * Sending to a room, the room's rules deciding (docs/protocol.md, Sending): who may send which
 * kind, which kinds are important, the room's chat mode, mutes and flow control, and the
 * classroom kinds, which {@link Classroom} holds. The gateway (a member's {@code send}) and the
 * REST API (a business's push) both come here, so a rule stored on the room holds for both.
 */
@ApplicationScoped
public class Messages {

    private static final Logger LOG = Logger.getLogger(Messages.class.getName());

    @Inject
    Classroom classroom;

    @Inject
    Rooms rooms;

    @Inject
    Pushes pushes;

    @Inject
    FlowControl flow;

    @Inject
    Mutes mutes;

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedExecutorService executor;

    /**
     * Whether a message of this kind from this role spends the sender's own chat budget (kept by
     * the gateway per user on a node): relayed unimportant messages do; important ones and the
     * classroom's interactions, answered one by one, do not.
     */
    public static boolean spendsChatBudget(Role role, String kind) {
        return !Classroom.holds(kind) && Rights.rule(kind).map(r -> !r.importantFrom(role)).orElse(false);
    }

    /**
     * A room member's message, after the caller checked that the member is in the room.
     *
     * @param group the member's small-class group in the room, or null
     */
    public CompletionStage<Outcome> send(Actor sender, String group, RoomRef room, String kind, JsonObject body) {
        var rule = Rights.rule(kind);
        if (rule.isEmpty()) {
            return now(Outcome.refused("BAD_FRAME", "unknown kind"));
        }
        if (!Rights.maySend(sender.role(), kind)) {
            return now(Outcome.refused("FORBIDDEN", sender.role().wireName() + " may not send " + kind));
        }
        String encoded;
        try {
            encoded = MessageBody.encode(body);
        } catch (IllegalArgumentException e) {
            return now(Outcome.refused(e instanceof MessageBody.TooLarge ? "TOO_LARGE" : "BAD_FRAME", e.getMessage()));
        }
        if ("kick".equals(kind)) {
            return kick(sender, room, body);
        }
        if (Classroom.holds(kind)) {
            return classroom.act(sender, room, kind, body);
        }
        Target target = Target.ROOM;
        if ("chat".equals(kind) && sender.role() == Role.STUDENT) {
            ChatMode mode;
            try {
                mode = rooms.cached(room).map(RoomView::chatMode).orElse(ChatMode.OPEN);
            } catch (RuntimeException databaseAway) {
                return now(Outcome.refused("UNAVAILABLE", "the room cannot be read now, retry"));
            }
            if (mode == ChatMode.STAFF_ONLY) {
                return now(Outcome.refused("FORBIDDEN", "only teachers and assistants chat in this room"));
            }
            if (mode == ChatMode.GROUP) {
                // students' chat stays in their small-class group, and the staff read it
                target = group == null ? Target.STAFF : Target.groupAndStaff(group);
            }
        }
        Priority priority = rule.get().importantFrom(sender.role()) ? Priority.IMPORTANT : Priority.NORMAL;
        if (priority == Priority.IMPORTANT) {
            flow.importantMessage(room.bid());
        } else {
            Admission admission = flow.admitRoomMessage(room, kind, sender.staff());
            switch (admission.verdict()) {
                case ADMITTED -> { }
                case RATE_LIMITED -> {
                    return now(Outcome.rateLimited("the room is over its message limit", admission.retryAfterMs()));
                }
                case MUTED -> {
                    return now(Outcome.refused("MUTED", "chat is muted in this room"));
                }
                default -> {
                    return now(Outcome.refused("UNAVAILABLE", "not accepted, retry"));
                }
            }
        }
        RoomMessage message = new RoomMessage(room, target, kind, sender.uin(), sender.role().wireName(), encoded,
                System.currentTimeMillis());
        return pushes.publish(message, priority).handle((Published published, Throwable failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "A send to a room was not published: {0}", failure.toString());
                return Outcome.refused("UNAVAILABLE", "not accepted, retry");
            }
            if ("mute".equals(kind) || "unmute".equals(kind)) {
                staffMute(sender, room, "mute".equals(kind));
            }
            return Outcome.done(JsonObject.EMPTY_JSON_OBJECT, published.seq());
        });
    }

    /** A teacher's or assistant's {@code mute}/{@code unmute} also mutes the room's chat for students. */
    private void staffMute(Actor sender, RoomRef room, boolean muted) {
        classroom.audit(room, sender.uin(), sender.role().wireName(), muted ? "mute" : "unmute",
                JSON.createObjectBuilder().add("reason", "staff").build());
        try {
            mutes.room(room, muted, "staff");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Mute of {0} by staff not stored: {1}", new Object[] {room.key(), e.toString()});
        }
    }

    /**
     * A kick removes the user on every node and bans them, then tells the room as an important
     * message ({@code msg} of kind {@code kick}, with a seq), so every client sees it in order and a
     * client that reconnects finds it in the history. It waits for Kafka, so it runs off the caller's thread.
     */
    private CompletionStage<Outcome> kick(Actor sender, RoomRef room, JsonObject body) {
        long uin;
        try {
            uin = Classroom.number(body, "uin", -1, 1, Long.MAX_VALUE);
        } catch (Classroom.BadBody bad) {
            return now(Outcome.refused("BAD_FRAME", bad.getMessage()));
        }
        return kick(room, uin, sender.uin(), sender.role().wireName());
    }

    /**
     * Kicks a user from a room on behalf of staff or an admin (REST): removed on every node, banned
     * for {@code ketang.room.kick-ban-ms}, the audit log told who did it, and the room told with an
     * important {@code kick} message whose seq the outcome carries. The caller checked the room is
     * the business's; kicking someone who is not there still bans them.
     *
     * @param byUin  who kicks (0 when a service token's subject is not a number)
     * @param byRole their role as the audit log shows it ({@code teacher}, {@code admin}, …)
     */
    public CompletionStage<Outcome> kick(RoomRef room, long uin, long byUin, String byRole) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                rooms.kick(room, uin);
                classroom.audit(room, byUin, byRole, "kick", JSON.createObjectBuilder().add("target", uin).build());
                return true;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A kick was not carried out: {0}", e.toString());
                return false;
            }
        }, executor).thenCompose(kicked -> {
            if (!kicked) {
                return now(Outcome.refused("UNAVAILABLE", "not carried out, retry"));
            }
            flow.importantMessage(room.bid());
            var told = new RoomMessage(room, Target.ROOM, "kick", byUin, byRole,
                    "{\"uin\":" + uin + "}", System.currentTimeMillis());
            return pushes.publish(told, Priority.IMPORTANT).handle((Published published, Throwable failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "A kick was carried out but not told to the room: {0}", failure.toString());
                    return Outcome.refused("UNAVAILABLE", "kicked, but the room was not told; retry");
                }
                return Outcome.done(JsonObject.EMPTY_JSON_OBJECT, published.seq());
            });
        });
    }

    /**
     * A business's push (REST) to one of its rooms: the room must exist and not have ended, before
     * it gets any seq or history; then the business's limit (and, for normal pushes, the
     * cluster's) and Kafka. The caller checked the business owns the room's name space.
     */
    public CompletionStage<Outcome> push(RoomRef room, Target target, Priority priority, String kind, String encodedBody) {
        RoomView found;
        try {
            found = rooms.cached(room).orElse(null);
        } catch (RuntimeException databaseAway) {
            return now(Outcome.refused("UNAVAILABLE", "rooms cannot be read now, retry"));
        }
        if (found == null) {
            return now(Outcome.refused("NO_SUCH_ROOM", "no such room"));
        }
        if (found.status() == RoomStatus.ENDED) {
            return now(Outcome.refused("ROOM_CLOSED", "the room has ended"));
        }
        Outcome refused = admitBusiness(room.bid(), priority);
        if (refused != null) {
            return now(refused);
        }
        return pushes.publish(new RoomMessage(room, target, kind, 0, "service", encodedBody, System.currentTimeMillis()), priority)
                .handle((Published published, Throwable failure) -> failure != null
                        ? Outcome.refused("UNAVAILABLE", "not sent, retry") : Outcome.done(JsonObject.EMPTY_JSON_OBJECT, published.seq()));
    }

    /** A business's push to users wherever they are connected (no room, no seq). */
    public CompletionStage<Outcome> pushToUsers(String bid, java.util.Set<Long> uins, String kind, String encodedBody) {
        Outcome refused = admitBusiness(bid, Priority.NORMAL);
        if (refused != null) {
            return now(refused);
        }
        return pushes.publishToUsers(bid, uins, kind, 0, "service", encodedBody, System.currentTimeMillis())
                .handle((Published published, Throwable failure) -> failure != null
                        ? Outcome.refused("UNAVAILABLE", "not sent, retry") : Outcome.done(JsonObject.EMPTY_JSON_OBJECT));
    }

    /** The business's push limit, then (normal pushes) the cluster's; null when admitted. */
    private Outcome admitBusiness(String bid, Priority priority) {
        Admission admission = flow.admitBusinessPush(bid);
        if (admission.admitted()) {
            if (priority == Priority.IMPORTANT) {
                flow.importantMessage(bid);
            } else {
                admission = flow.admitInCluster(bid);
            }
        }
        return switch (admission.verdict()) {
            case ADMITTED -> null;
            case RATE_LIMITED -> Outcome.rateLimited("over the push limit", admission.retryAfterMs());
            default -> Outcome.refused("UNAVAILABLE", "push limit cannot be checked, retry");
        };
    }

    private static CompletionStage<Outcome> now(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
