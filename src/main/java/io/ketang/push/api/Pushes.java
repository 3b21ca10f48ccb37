package io.ketang.push.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;

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

    /** Publishes a message to everyone in its room on every node. */
    public CompletionStage<Published> publish(RoomMessage m, Priority priority) {
        String fields = Json.createObjectBuilder()
                .add("kind", m.kind())
                .add("from", Json.createObjectBuilder().add("uin", m.fromUin()).add("role", m.fromRole().wireName()))
                .add("body", Json.createReader(new java.io.StringReader(m.body())).readObject())
                .add("ts", m.ts())
                .build().toString();
        if (priority == Priority.NORMAL) {
            return channel.normal(m.room(), fields).handle((ok, failure) -> {
                if (failure != null) {
                    throw new PushUnavailableException("Kafka did not take the message", failure);
                }
                return new Published(0);
            });
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
            return new Published(stored.seq());
        });
    }

    /** Tells every node about a change to a room, in order with the room's messages. */
    public CompletionStage<Void> control(RoomControl control) {
        return channel.control(control);
    }

    /** The room's last seq. */
    public long head(RoomRef room) {
        return history.head(room);
    }

    /** Important messages after {@code afterSeq}, at most {@code limit}, from the room's history. */
    public Pulled after(RoomRef room, long afterSeq, int limit) {
        long head = history.head(room);
        if (afterSeq >= head) {
            return new Pulled(List.of(), afterSeq, head, true);
        }
        List<History.Stored> stored = history.after(room, afterSeq, limit);
        List<String> frames = new ArrayList<>(stored.size());
        stored.forEach(s -> frames.add(s.frame()));
        boolean complete = !stored.isEmpty() && stored.get(0).seq() == afterSeq + 1;
        long last = stored.isEmpty() ? afterSeq : stored.get(stored.size() - 1).seq();
        return new Pulled(frames, last, head, complete);
    }

    static String voidFrame(RoomRef room, long seq) {
        return "{\"type\":\"msg\",\"room\":\"" + room.room() + "\",\"seq\":" + seq + ",\"kind\":\"void\"}";
    }
}
