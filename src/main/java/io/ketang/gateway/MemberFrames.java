package io.ketang.gateway;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import io.ketang.membership.api.Member;

/** How a member looks in frames. */
final class MemberFrames {

    private MemberFrames() {
    }

    static JsonObjectBuilder member(Member m) {
        var terminals = Json.createArrayBuilder();
        m.terminals().keySet().stream().sorted().forEach(t -> terminals.add(t.wireName()));
        JsonObjectBuilder b = Json.createObjectBuilder().add("uin", m.uin()).add("role", m.role().wireName())
                .add("terminals", terminals).add("joinedAt", m.joinedAt());
        if (m.group() != null) {
            b.add("group", m.group());
        }
        return b;
    }
}
