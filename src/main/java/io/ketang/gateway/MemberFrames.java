package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import jakarta.json.JsonObjectBuilder;

import io.ketang.membership.api.Member;

/** How a member looks in frames. */
final class MemberFrames {

    private MemberFrames() {
    }

    static JsonObjectBuilder member(Member m) {
        var terminals = JSON.createArrayBuilder();
        m.terminals().keySet().stream().sorted().forEach(t -> terminals.add(t.wireName()));
        JsonObjectBuilder b = JSON.createObjectBuilder().add("uin", m.uin()).add("role", m.role().wireName())
                .add("terminals", terminals).add("joinedAt", m.joinedAt());
        if (m.group() != null) {
            b.add("group", m.group());
        }
        return b;
    }
}
