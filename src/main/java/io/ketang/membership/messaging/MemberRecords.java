package io.ketang.membership.messaging;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import io.ketang.membership.internal.MemberEntry;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The members topic's records. Key {@code bid/room/uin/terminal}; value, version 1, a JSON object
 * {@code v, role, node, session, group, joinedAt} ({@code session} and {@code group} optional); a
 * leave is a tombstone (null value), which compaction
 * eventually removes.
 */
final class MemberRecords {

    static final int VERSION = 1;

    private MemberRecords() {
    }

    static String key(RoomRef room, long uin, Terminal terminal) {
        return room.key() + "/" + uin + "/" + terminal.wireName();
    }

    static String value(MemberEntry e) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("v", VERSION).add("role", e.role().wireName())
                .add("node", e.node()).add("joinedAt", e.joinedAt());
        if (e.session() != null) {
            b.add("session", e.session());
        }
        if (e.group() != null) {
            b.add("group", e.group());
        }
        return b.build().toString();
    }

    /** The key's parts: room, uin, terminal. */
    record Key(RoomRef room, long uin, Terminal terminal) {
    }

    static Key parseKey(String key) {
        String[] parts = key.split("/");
        if (parts.length != 4) {
            throw new IllegalArgumentException("bad member key");
        }
        return new Key(new RoomRef(parts[0], parts[1]), Long.parseLong(parts[2]),
                Terminal.parse(parts[3]).orElseThrow(() -> new IllegalArgumentException("bad terminal")));
    }

    static MemberEntry entry(Key key, String value) {
        JsonObject v;
        try (var reader = JSON.createReader(new StringReader(value))) {
            v = reader.readObject();
        }
        if (v.getInt("v", 0) != VERSION) {
            throw new IllegalArgumentException("unknown member record version");
        }
        return new MemberEntry(key.room(), key.uin(), key.terminal(),
                Role.parse(v.getString("role")).orElseThrow(() -> new IllegalArgumentException("bad role")),
                v.getString("node"), v.getString("session", null), v.getString("group", null),
                v.getJsonNumber("joinedAt").longValue());
    }
}
