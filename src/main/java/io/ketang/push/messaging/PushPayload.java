package io.ketang.push.messaging;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomMessage;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * The push topic's record value, version 1: a JSON object with {@code v}, {@code bid},
 * {@code room} and either a message ({@code kind}, {@code from} with {@code uin} and {@code role},
 * {@code body}, {@code ts}) or, with {@code "control"}, a room change ({@code action}, {@code uin},
 * {@code reason}). It is the bus's own format, kept apart from both the api records and the
 * client frames.
 */
final class PushPayload {

    static final int VERSION = 1;

    private PushPayload() {
    }

    static String encode(RoomMessage m) {
        return Json.createObjectBuilder()
                .add("v", VERSION)
                .add("bid", m.room().bid())
                .add("room", m.room().room())
                .add("kind", m.kind())
                .add("from", Json.createObjectBuilder().add("uin", m.fromUin()).add("role", m.fromRole().wireName()))
                .add("body", parse(m.body()))
                .add("ts", m.ts())
                .build().toString();
    }

    static String encode(RoomControl c) {
        return Json.createObjectBuilder()
                .add("v", VERSION)
                .add("bid", c.room().bid())
                .add("room", c.room().room())
                .add("control", c.action().name())
                .add("uin", c.uin())
                .add("reason", c.reason())
                .build().toString();
    }

    /** A record read back: a room message's client frame (built once), or a room change. */
    static Object decode(String value) {
        JsonObject p = parse(value);
        int version = p.getInt("v", 0);
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown push payload version " + version);
        }
        RoomRef room = new RoomRef(p.getString("bid"), p.getString("room"));
        if (p.containsKey("control")) {
            return new RoomControl(room, RoomControl.Action.valueOf(p.getString("control")),
                    p.getJsonNumber("uin").longValue(), p.getString("reason", ""));
        }
        String frame = Json.createObjectBuilder()
                .add("type", "msg")
                .add("room", room.room())
                .add("kind", p.getString("kind"))
                .add("from", p.getJsonObject("from"))
                .add("body", p.getJsonObject("body"))
                .add("ts", p.getJsonNumber("ts").longValue())
                .build().toString();
        Role.parse(p.getJsonObject("from").getString("role")).orElseThrow(() -> new IllegalArgumentException("bad role"));
        return new Decoded(room, frame);
    }

    record Decoded(RoomRef room, String frame) {
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
