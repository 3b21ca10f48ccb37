package io.ketang.gateway;

import java.nio.ByteBuffer;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;

/**
 * The protocol's front (docs/protocol.md): the endpoint hands every socket event here. A socket's
 * life is {@link Connections}'; its frames pass the {@link FrameIntake} and go to the handlers of
 * {@link SessionFrames} and {@link RoomFrames}; what arrives for clients is {@link LocalFanOut}'s.
 */
@ApplicationScoped
public class Gateway {

    @Inject
    GatewaySettings settings;

    @Inject
    LocalSessions sessions;

    @Inject
    Connections connections;

    @Inject
    SessionFrames sessionFrames;

    @Inject
    RoomFrames roomFrames;

    private FrameIntake intake;

    @PostConstruct
    void handlers() {
        intake = new FrameIntake(settings, Map.of(
                "hello", sessionFrames::hello,
                "hb", sessionFrames::heartbeat,
                "bye", sessionFrames::bye,
                "join", roomFrames::join,
                "leave", roomFrames::leave,
                "send", roomFrames::send,
                "members", roomFrames::members,
                "ack", roomFrames::ack,
                "pull", roomFrames::pull),
                connections::disconnect, System::nanoTime, connections::behindLately);
    }

    void opened(Session socket) {
        connections.opened(socket);
    }

    void received(Session socket, String text) {
        ClientSession session = sessions.get(socket.getId());
        if (session != null) {
            intake.received(session, text);
        }
    }

    void ponged(Session socket, ByteBuffer payload) {
        ClientSession session = sessions.get(socket.getId());
        if (session != null) {
            session.writer.ponged(payload);
        }
    }

    void closed(Session socket) {
        connections.closed(socket);
    }

    /** Number of open sessions on this node. */
    public int sessionCount() {
        return sessions.count();
    }
}
