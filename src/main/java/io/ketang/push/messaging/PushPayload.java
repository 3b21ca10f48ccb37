package io.ketang.push.messaging;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import io.ketang.push.api.RoomControl;
import io.ketang.push.api.Target;
import io.ketang.shared.RoomRef;

/**
 * The push topic's record value, version 1: a JSON object with {@code v}, {@code bid}, {@code room}
 * and one of: {@code seq} with {@code frame} (an important message, its client frame encoded once
 * by the sender's node), {@code item} (a normal message, merged on each node), {@code target} with
 * {@code frame} (a message for some of the room), {@code control} with {@code uin} and
 * {@code reason} (a room change); or, without a room, {@code users} with {@code frame} (a message
 * to users wherever they are).
 */
final class PushPayload {

    static final int VERSION = 1;

    private PushPayload() {
    }

    /** An important message, ready to write to sockets. */
    record Important(RoomRef room, long seq, String frame) {
    }

    /** A normal message's item, to be merged into a batch. */
    record Normal(RoomRef room, String item) {
    }

    /** A message for part of a room. */
    record Targeted(RoomRef room, Target target, String frame) {
    }

    /** A message to users wherever they are. */
    record ToUsers(String bid, java.util.Set<Long> uins, String frame) {
    }

    static String targeted(RoomRef room, Target target, String frame) {
        var t = JSON.createObjectBuilder().add("type", target.type().name());
        var uins = JSON.createArrayBuilder();
        target.uins().forEach(uins::add);
        t.add("uins", uins);
        if (target.role() != null) {
            t.add("role", target.role().name());
        }
        if (target.terminal() != null) {
            t.add("terminal", target.terminal().name());
        }
        if (target.group() != null) {
            t.add("group", target.group());
        }
        return head(room).add("target", t).add("frame", frame).build().toString();
    }

    static String toUsers(String bid, java.util.Set<Long> uins, String frame) {
        var list = JSON.createArrayBuilder();
        uins.forEach(list::add);
        return JSON.createObjectBuilder().add("v", VERSION).add("bid", bid).add("users", list).add("frame", frame)
                .build().toString();
    }

    static String important(RoomRef room, long seq, String frame) {
        return head(room).add("seq", seq).add("frame", frame).build().toString();
    }

    static String normal(RoomRef room, String item) {
        return head(room).add("item", parse(item)).build().toString();
    }

    static String control(RoomControl c) {
        return head(c.room()).add("control", c.action().name()).add("uin", c.uin()).add("reason", c.reason())
                .build().toString();
    }

    private static jakarta.json.JsonObjectBuilder head(RoomRef room) {
        return JSON.createObjectBuilder().add("v", VERSION).add("bid", room.bid()).add("room", room.room());
    }

    /** A record read back: {@link Important}, {@link Normal} or {@link RoomControl}. */
    static Object decode(String value) {
        JsonObject p = parse(value);
        int version = p.getInt("v", 0);
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown push payload version " + version);
        }
        if (p.containsKey("users")) {
            java.util.Set<Long> uins = new java.util.HashSet<>();
            p.getJsonArray("users").getValuesAs(jakarta.json.JsonNumber.class).forEach(n -> uins.add(n.longValue()));
            return new ToUsers(p.getString("bid"), java.util.Set.copyOf(uins), p.getString("frame"));
        }
        RoomRef room = new RoomRef(p.getString("bid"), p.getString("room"));
        if (p.containsKey("target")) {
            JsonObject t = p.getJsonObject("target");
            java.util.Set<Long> uins = new java.util.HashSet<>();
            t.getJsonArray("uins").getValuesAs(jakarta.json.JsonNumber.class).forEach(n -> uins.add(n.longValue()));
            Target target = new Target(Target.Type.valueOf(t.getString("type")), uins,
                    t.containsKey("role") ? io.ketang.shared.Role.valueOf(t.getString("role")) : null,
                    t.containsKey("terminal") ? io.ketang.shared.Terminal.valueOf(t.getString("terminal")) : null,
                    t.getString("group", null));
            return new Targeted(room, target, p.getString("frame"));
        }
        if (p.containsKey("control")) {
            return new RoomControl(room, RoomControl.Action.valueOf(p.getString("control")),
                    p.getJsonNumber("uin").longValue(), p.getString("reason", ""));
        }
        if (p.containsKey("seq")) {
            return new Important(room, p.getJsonNumber("seq").longValue(), p.getString("frame"));
        }
        return new Normal(room, p.getJsonObject("item").toString());
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
