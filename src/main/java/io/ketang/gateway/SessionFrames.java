package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.platform.Node;
import io.ketang.platform.auth.TokenVerifier;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/** The frames about the session itself: {@code hello} (who the client is), {@code hb} (it is alive) and {@code bye} (it goes). */
@ApplicationScoped
class SessionFrames {

    @Inject
    GatewaySettings settings;

    @Inject
    TokenVerifier tokens;

    @Inject
    Node node;

    @Inject
    Connections connections;

    @Inject
    LocalSessions sessions;

    @Inject
    Heartbeats heartbeats;

    void hello(ClientSession session, JsonObject frame, Long id) {
        if (session.authenticated()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "already said hello"));
            return;
        }
        var identity = tokens.verify(Frames.string(frame, "token")).flatMap(Identity::of);
        if (identity.isEmpty()) {
            connections.disconnect(session, Disconnect.UNAUTHORIZED);
            return;
        }
        var terminal = Terminal.parse(Frames.string(frame, "terminal"));
        if (terminal.isEmpty()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "terminal must be web, app or pc"));
            return;
        }
        Identity who = identity.get();
        session.lastHeartbeat = System.nanoTime();
        session.entry = new SessionEntry(node.id(), session.id(), System.currentTimeMillis());
        session.terminal = terminal.get();
        session.identity = who;
        connections.signedIn(session);
        Budgets frameBudgets = sessions.frameBudgets(who);
        session.send(Frames.reply("welcome", id)
                .add("session", session.id())
                .add("uin", who.uin())
                .add("role", who.role().wireName())
                .add("heartbeatSec", settings.heartbeatSec())
                .add("node", node.id())
                .add("limits", JSON.createObjectBuilder()
                        .add("framesPerSec", frameBudgets.ratePerSec()).add("burst", frameBudgets.burst())
                        .add("maxFrameBytes", settings.maxFrameBytes())
                        .add("chatPerSec", settings.chatRate()).add("chatBurst", settings.chatBurst()))
                .build().toString());
    }

    /** Answers at once, and tells the heartbeat owners of the session's rooms; the registry entry is renewed off this thread. */
    void heartbeat(ClientSession session, JsonObject frame, Long id) {
        session.send("{\"type\":\"hb\"}");
        session.lastHeartbeat = System.nanoTime();
        Identity who = session.identity;
        long now = System.currentTimeMillis();
        for (RoomRef room : session.rooms) {
            heartbeats.note(new Beat(room, who.uin(), who.role(), session.terminal, now));
        }
        connections.refreshEntry(session);
    }

    /** The client is going: its socket is closed from this side (1000) once what is queued for it is written. */
    void bye(ClientSession session, JsonObject frame, Long id) {
        connections.disconnect(session, Disconnect.BYE);
    }
}
