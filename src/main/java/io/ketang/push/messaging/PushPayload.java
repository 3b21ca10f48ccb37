package io.ketang.push.messaging;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import io.ketang.push.api.RoomMessage;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * The push topic's record value, version 1: a JSON object with {@code v}, {@code bid},
 * {@code room}, {@code kind}, {@code from} ({@code uin}, {@code role}), {@code body}, {@code ts}.
 * It is the bus's own format, kept apart from both the api record and the client frame.
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

    /** The client frame for a record: {@code {"type":"msg","room",...}}, built once per record. */
    static Decoded decode(String value) {
        JsonObject p = parse(value);
        int version = p.getInt("v", 0);
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown push payload version " + version);
        }
        RoomRef room = new RoomRef(p.getString("bid"), p.getString("room"));
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
