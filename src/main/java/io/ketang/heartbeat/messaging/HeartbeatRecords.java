package io.ketang.heartbeat.messaging;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;

import jakarta.json.JsonObject;

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.internal.BeatKey;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * Records of the heartbeats topic (key {@code bid/room/uin}; value, version 1,
 * {@code v, role, terminal, ts}) and of the exits topic (key {@code bid}; value, version 1,
 * {@code v, bid, room, uin, terminal, reason, ts}).
 */
final class HeartbeatRecords {

    static final int VERSION = 1;

    private HeartbeatRecords() {
    }

    static String beat(Beat b) {
        return JSON.createObjectBuilder().add("v", VERSION).add("role", b.role().wireName())
                .add("terminal", b.terminal().wireName()).add("ts", b.ts()).build().toString();
    }

    static Beat beat(String key, String value) {
        BeatKey k = BeatKey.parse(key);
        JsonObject v;
        try (var reader = JSON.createReader(new StringReader(value))) {
            v = reader.readObject();
        }
        if (v.getInt("v", 0) != VERSION) {
            throw new IllegalArgumentException("unknown heartbeat record version");
        }
        return new Beat(k.room(), k.uin(), Role.parse(v.getString("role")).orElseThrow(),
                Terminal.parse(v.getString("terminal")).orElseThrow(), v.getJsonNumber("ts").longValue());
    }

    static String exit(RoomRef room, long uin, Terminal terminal, ExitReason reason, long ts) {
        return JSON.createObjectBuilder().add("v", VERSION).add("bid", room.bid()).add("room", room.room())
                .add("uin", uin).add("terminal", terminal.wireName()).add("reason", reason.wireName()).add("ts", ts)
                .build().toString();
    }
}
