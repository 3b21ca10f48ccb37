package io.ketang.gateway;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.Session;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.platform.Node;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.RoomMessageArrived;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The protocol: sessions, their frames and replies, and local delivery of room messages. The
 * endpoint class only forwards socket events here.
 */
@ApplicationScoped
public class Gateway {

    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    @Inject
    TokenVerifier tokens;

    @Inject
    LocalRooms rooms;

    @Inject
    Pushes pushes;

    @Inject
    Node node;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ketang.gateway.hello-timeout-ms", defaultValue = "5000")
    long helloTimeoutMs;

    @Inject
    @ConfigProperty(name = "ketang.gateway.heartbeat-sec", defaultValue = "20")
    int heartbeatSec;

    @Inject
    @ConfigProperty(name = "ketang.gateway.max-frame-bytes", defaultValue = "16384")
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "ketang.gateway.outbound-queue", defaultValue = "1024")
    int outboundQueue;

    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();

    void opened(Session socket) {
        SessionWriter writer = new SessionWriter(socket.getAsyncRemote(), outboundQueue,
                w -> close(socket, CloseCodes.TOO_SLOW, "too slow"));
        ClientSession session = new ClientSession(socket, writer);
        sessions.put(socket.getId(), session);
        session.helloDeadline = scheduler.schedule(() -> {
            if (!session.authenticated()) {
                close(socket, CloseCodes.NO_HELLO, "no hello in time");
            }
        }, helloTimeoutMs, TimeUnit.MILLISECONDS);
    }

    void received(Session socket, String text) {
        ClientSession session = sessions.get(socket.getId());
        if (session == null) {
            return;
        }
        if (text.length() > maxFrameBytes) {
            session.send(Frames.error(null, ErrorCode.TOO_LARGE, "a frame may hold at most " + maxFrameBytes + " bytes"));
            return;
        }
        JsonObject frame = Frames.parse(text);
        if (frame == null) {
            session.send(Frames.error(null, ErrorCode.BAD_FRAME, "a frame is one JSON object with a string type"));
            return;
        }
        String type = frame.getString("type");
        Long id = Frames.id(frame);
        if (!session.authenticated() && !"hello".equals(type)) {
            session.send(Frames.error(id, ErrorCode.UNAUTHORIZED, "say hello first"));
            return;
        }
        switch (type) {
            case "hello" -> hello(session, frame, id);
            case "hb" -> session.send("{\"type\":\"hb\"}");
            case "join" -> join(session, frame, id);
            case "leave" -> leave(session, frame, id);
            case "send" -> send(session, frame, id);
            default -> session.send(Frames.error(id, ErrorCode.BAD_FRAME, "unknown type"));
        }
    }

    void closed(Session socket) {
        ClientSession session = sessions.remove(socket.getId());
        if (session == null) {
            return;
        }
        if (session.helloDeadline != null) {
            session.helloDeadline.cancel(false);
        }
        for (RoomRef room : session.rooms) {
            rooms.leave(room, session);
        }
        session.rooms.clear();
        session.writer.close();
    }

    void onRoomMessage(@Observes RoomMessageArrived message) {
        rooms.deliver(message.room(), message.frame());
    }

    private void hello(ClientSession session, JsonObject frame, Long id) {
        if (session.authenticated()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "already said hello"));
            return;
        }
        var terminal = Terminal.parse(Frames.string(frame, "terminal"));
        var identity = tokens.verify(Frames.string(frame, "token"));
        if (identity.isEmpty()) {
            close(session.socket, CloseCodes.UNAUTHORIZED, "unauthorized");
            return;
        }
        if (terminal.isEmpty()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "terminal must be web, app or pc"));
            return;
        }
        session.identity = identity.get();
        session.terminal = terminal.get();
        session.helloDeadline.cancel(false);
        session.send(Frames.reply("welcome", id)
                .add("session", session.id())
                .add("uin", session.identity.uin())
                .add("role", session.identity.role().wireName())
                .add("heartbeatSec", heartbeatSec)
                .add("node", node.id())
                .build().toString());
        LOG.fine(() -> "hello: uin " + session.identity.uin() + " bid " + session.identity.bid() + " on " + session.terminal);
    }

    private void join(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        Identity identity = session.identity;
        if (!identity.mayJoin(roomId)) {
            session.send(Frames.error(id, ErrorCode.FORBIDDEN, "the token does not allow this room"));
            return;
        }
        RoomRef room = new RoomRef(identity.bid(), roomId);
        session.rooms.add(room);
        rooms.join(room, session);
        session.send(Frames.reply("joined", id).add("room", roomId).add("here", rooms.count(room)).build().toString());
    }

    private void leave(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        RoomRef room = new RoomRef(session.identity.bid(), roomId);
        if (session.rooms.remove(room)) {
            rooms.leave(room, session);
        }
        session.send(Frames.reply("left", id).add("room", roomId).build().toString());
    }

    private void send(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        String kind = Frames.string(frame, "kind");
        JsonValue body = frame.getOrDefault("body", JsonValue.EMPTY_JSON_OBJECT);
        if (!RoomRef.validId(roomId) || kind == null || kind.isBlank() || kind.length() > 64
                || body.getValueType() != JsonValue.ValueType.OBJECT) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "send needs room, kind and an object body"));
            return;
        }
        Identity identity = session.identity;
        RoomRef room = new RoomRef(identity.bid(), roomId);
        if (!session.rooms.contains(room)) {
            session.send(Frames.error(id, ErrorCode.NOT_IN_ROOM, "join the room first"));
            return;
        }
        if (identity.role() == Role.OBSERVER) {
            session.send(Frames.error(id, ErrorCode.FORBIDDEN, "observers do not send"));
            return;
        }
        var message = new RoomMessage(room, kind, identity.uin(), identity.role(), body.toString(), System.currentTimeMillis());
        pushes.publish(message).whenComplete((ok, failure) -> {
            if (failure == null) {
                session.send(Frames.reply("sent", id).build().toString());
            } else {
                LOG.log(Level.WARNING, "A send to a room was not published: {0}", failure.toString());
                session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "not accepted, retry"));
            }
        });
    }

    private void close(Session socket, int code, String phrase) {
        try {
            if (socket.isOpen()) {
                socket.close(CloseCodes.reason(code, phrase));
            }
        } catch (IOException e) {
            LOG.fine(() -> "close failed: " + e);
        }
    }

    /** Graceful drain: clients reconnect to another node. */
    @PreDestroy
    void drain() {
        for (ClientSession session : sessions.values()) {
            close(session.socket, CloseCodes.SHUTTING_DOWN, "node shutting down");
        }
    }

    /** Number of open sessions on this node. */
    public int sessionCount() {
        return sessions.size();
    }
}
