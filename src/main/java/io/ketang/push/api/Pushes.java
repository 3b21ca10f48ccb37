package io.ketang.push.api;

import static io.ketang.shared.Jsonp.JSON;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.ketang.push.internal.Heads;
import io.ketang.push.internal.History;
import io.ketang.push.messaging.PushChannel;
import io.ketang.shared.RoomRef;

/**
 * Publishing to rooms, and reading back what a client missed. An important message takes the
 * room's next seq in the same Redis script that writes it to the room's history, then goes to
 * Kafka; the sender hears of it only when both are done. If Kafka does not take it, its seq is
 * voided in the history (the seq stays contiguous and pullable, the message is gone) and the
 * sender gets {@link PushUnavailableException}. Normal messages go to Kafka only.
 */
@ApplicationScoped
public class Pushes {

    @Inject
    PushChannel channel;

    @Inject
    History history;

    /** How long a room's head read from Redis answers acks on this node. */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "ketang.push.head-fresh-ms", defaultValue = "250")
    long headFreshMs;

    /** The most acks one room may cost a second across the cluster: a larger room is asked to ack less often. */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "ketang.push.ack-frames-per-sec", defaultValue = "10000")
    long ackFramesPerSec;

    @Inject
    io.ketang.membership.api.Memberships memberships;

    private Heads heads;

    @jakarta.annotation.PostConstruct
    void heads() {
        // after a failed read the last head answers acks for a second instead of each ack waiting on Redis
        heads = new Heads(headFreshMs, 1_000, System::nanoTime);
    }

    /**
     * Publishes a message to its room (or the part of it the target names) on every node. Only
     * room-wide important messages take a seq and go into the history; a message for part of a room
     * is delivered to the matching sockets that are connected, without a seq.
     */
    public CompletionStage<Published> publish(RoomMessage m, Priority priority) {
        String fields = fields(m.kind(), m.fromUin(), m.fromRole(), m.body(), m.ts());
        if (m.target().type() != Target.Type.ROOM) {
            String frame = "{\"type\":\"msg\",\"room\":\"" + m.room().room() + "\"," + fields.substring(1);
            return unavailableOnFailure(channel.targeted(m.room(), m.target(), frame));
        }
        if (priority == Priority.NORMAL) {
            return unavailableOnFailure(channel.normal(m.room(), fields));
        }
        History.Stored stored;
        try {
            // room ids are plain [A-Za-z0-9_.:-]: no escaping needed around them
            stored = history.append(m.room(), "{\"type\":\"msg\",\"room\":\"" + m.room().room() + "\",\"seq\":",
                    "," + fields.substring(1), m.ts());
        } catch (RuntimeException redisAway) {
            return CompletableFuture.failedFuture(new PushUnavailableException("history unavailable", redisAway));
        }
        return channel.important(m.room(), stored.seq(), stored.frame()).handle((ok, failure) -> {
            if (failure != null) {
                try {
                    history.voidSeq(m.room(), stored.seq(), voidFrame(m.room(), stored.seq()), System.currentTimeMillis());
                } catch (RuntimeException alsoAway) {
                    // the seq keeps its message in the history: pullable, just not pushed
                }
                throw new PushUnavailableException("Kafka did not take the message", failure);
            }
            heads.saw(m.room(), stored.seq());
            return new Published(stored.seq());
        });
    }

    /** Sends a message to users wherever they are connected, in a room or not (no seq, not kept). */
    public CompletionStage<Published> publishToUsers(String bid, java.util.Set<Long> uins, String kind, long fromUin,
                                                     String fromRole, String body, long ts) {
        String frame = "{\"type\":\"msg\"," + fields(kind, fromUin, fromRole, body, ts).substring(1);
        return unavailableOnFailure(channel.toUsers(bid, uins, frame));
    }

    private static String fields(String kind, long fromUin, String fromRole, String body, long ts) {
        return JSON.createObjectBuilder()
                .add("kind", kind)
                .add("from", JSON.createObjectBuilder().add("uin", fromUin).add("role", fromRole))
                .add("body", JSON.createReader(new java.io.StringReader(body)).readObject())
                .add("ts", ts)
                .build().toString();
    }

    private static CompletionStage<Published> unavailableOnFailure(CompletionStage<Void> sent) {
        return sent.handle((ok, failure) -> {
            if (failure != null) {
                throw new PushUnavailableException("Kafka did not take the message", failure);
            }
            return new Published(0);
        });
    }

    /** Tells every node about a change to a room, in order with the room's messages. */
    public CompletionStage<Void> control(RoomControl control) {
        return channel.control(control);
    }

    /**
     * The room's last seq, for an ack: as this node read it at most {@code ketang.push.head-fresh-ms}
     * ago (or took it itself), or the last read while Redis fails (see {@link Heads}).
     */
    public long head(RoomRef room) {
        return heads.head(room, history::head);
    }

    /**
     * How often a member of the room should ack: every second, or less often in a room so large
     * that its acks would come to more than {@code ketang.push.ack-frames-per-sec} a second.
     */
    public long ackEveryMs(RoomRef room) {
        return ackEveryMs(memberships.count(room), ackFramesPerSec);
    }

    /** {@code members} acks per interval stay within {@code framesPerSec}; never more often than once a second. */
    static long ackEveryMs(int members, long framesPerSec) {
        return Math.max(1_000, members * 1_000L / Math.max(1, framesPerSec));
    }

    /**
     * Important messages after {@code afterSeq} from the room's history: at most {@code limit} of
     * them and, past the first, at most {@code maxBytes} bytes of frames (UTF-8) in all, so one
     * request cannot make a reply of megabytes; {@link Pulled#more()} says whether more follow.
     */
    public Pulled after(RoomRef room, long afterSeq, int limit, int maxBytes) {
        long head = history.head(room);
        if (afterSeq >= head) {
            return new Pulled(List.of(), afterSeq, head, true, 0);
        }
        List<String> frames = new ArrayList<>();
        long first = -1;
        long last = afterSeq;
        long bytes = 0;
        while (frames.size() < limit) {
            int wanted = Math.min(READ_CHUNK, limit - frames.size());
            List<History.Stored> chunk = history.after(room, last, wanted);
            for (History.Stored s : chunk) {
                long size = utf8Length(s.frame());
                if (!frames.isEmpty() && bytes + size > maxBytes) {
                    return new Pulled(frames, last, head, first == afterSeq + 1, bytes);
                }
                if (first < 0) {
                    first = s.seq();
                }
                frames.add(s.frame());
                bytes += size;
                last = s.seq();
            }
            if (chunk.size() < wanted) {
                break;
            }
        }
        return new Pulled(frames, last, head, first == afterSeq + 1, bytes);
    }

    /** The UTF-8 length of a string, without encoding it. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                // a surrogate pair is one 4-byte character
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** How many messages a page of the history reads from Redis at a time, while it fills up to its bytes. */
    static final int READ_CHUNK = 50;

    static String voidFrame(RoomRef room, long seq) {
        return "{\"type\":\"msg\",\"room\":\"" + room.room() + "\",\"seq\":" + seq + ",\"kind\":\"void\"}";
    }
}
