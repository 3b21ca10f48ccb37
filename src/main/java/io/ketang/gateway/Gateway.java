package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.Session;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.classroom.api.Actor;
import io.ketang.classroom.api.Classroom;
import io.ketang.classroom.api.Messages;
import io.ketang.classroom.api.Outcome;
import io.ketang.flowcontrol.api.MuteChanged;
import io.ketang.flowcontrol.api.Mutes;
import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.membership.api.Member;
import io.ketang.membership.api.MemberPage;
import io.ketang.membership.api.Memberships;
import io.ketang.shared.Role;
import io.ketang.platform.Node;
import io.ketang.platform.auth.TokenVerifier;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.platform.sessions.SessionRegistry;
import io.ketang.push.api.Pulled;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.push.api.RoomMessageArrived;
import io.ketang.push.api.UserMessageArrived;
import io.ketang.room.api.Admission;
import io.ketang.room.api.Rights;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * The protocol (docs/protocol.md): sessions, their frames and replies, the limits every frame
 * passes, and local delivery of room messages and room changes. The endpoint class only forwards
 * socket events here.
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
    Rooms roomDirectory;

    @Inject
    Node node;

    @Inject
    SessionRegistry registry;

    @Inject
    Memberships memberships;

    @Inject
    Heartbeats heartbeats;

    @Inject
    NodeChannel nodeChannel;

    @Inject
    Flusher flusher;

    @Inject
    SocketCloser closer;

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

    @Inject
    @ConfigProperty(name = "ketang.gateway.student-frames-per-sec", defaultValue = "10")
    double studentRate;

    @Inject
    @ConfigProperty(name = "ketang.gateway.student-burst", defaultValue = "20")
    int studentBurst;

    @Inject
    @ConfigProperty(name = "ketang.gateway.staff-frames-per-sec", defaultValue = "50")
    double staffRate;

    @Inject
    @ConfigProperty(name = "ketang.gateway.staff-burst", defaultValue = "100")
    int staffBurst;

    /** Unimportant messages (chat, flowers, hand raise) a user may send a second on one node, and saved up. */
    @Inject
    @ConfigProperty(name = "ketang.gateway.chat-per-sec", defaultValue = "2")
    double chatRate;

    @Inject
    @ConfigProperty(name = "ketang.gateway.chat-burst", defaultValue = "5")
    int chatBurst;

    @Inject
    Classroom classroom;

    @Inject
    Messages messages;

    @Inject
    Mutes mutes;

    /** Frames refused in a row for the rate limit before the client counts as flooding (4429). */
    @Inject
    @ConfigProperty(name = "ketang.gateway.flood-strikes", defaultValue = "20")
    int floodStrikes;

    /** The most bytes of messages one {@code pulled} or {@code joined} carries; {@code more} says the rest. */
    @Inject
    @ConfigProperty(name = "ketang.gateway.max-reply-bytes", defaultValue = "65536")
    int maxReplyBytes;

    @Inject
    org.eclipse.microprofile.metrics.MetricRegistry metrics;

    /**
     * Writes block on the writing thread while a session keeps up and acks (see {@link SessionWriter});
     * false: all asynchronous.
     */
    @Inject
    @ConfigProperty(name = "ketang.gateway.blocking-writes", defaultValue = "true")
    boolean blockingWrites;

    /** A write blocked this long means the client stopped reading: it is cut off (4008). */
    @Inject
    @ConfigProperty(name = "ketang.gateway.write-stall-ms", defaultValue = "5000")
    long writeStallMs;

    /** A client sent an important message acks it within this (4008 otherwise): it acks every few seconds. */
    @Inject
    @ConfigProperty(name = "ketang.gateway.ack-timeout-ms", defaultValue = "30000")
    long ackTimeoutMs;

    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    /** Counted for the console and /metrics: sockets opened, joins, frames handed to sockets. */
    private org.eclipse.microprofile.metrics.Counter connections;
    private org.eclipse.microprofile.metrics.Counter joins;
    private org.eclipse.microprofile.metrics.Counter deliveries;
    /** This node's sessions by user ("bid/uin"), for messages to users wherever they are. */
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    /** Each user's chat budget on this node ("bid/uin"), shared by their sessions here, kept across reconnects. */
    private Budgets chatBudgets;
    /** Each user's frame budget per terminal on this node ("bid/uin/terminal"), kept across reconnects and replacements. */
    private Budgets studentFrames;
    private Budgets staffFrames;

    private final Thread drainHook = new Thread(this::drain, "ketang-drain");
    /** Renews session registry entries (see {@link #refreshEntry}) on two of the container's threads. */
    private java.util.concurrent.ExecutorService registryWork;

    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;
    private java.util.concurrent.Future<?> sweeping;

    /** Before any frame or message can arrive: the push consumer may deliver before {@link #onStart} runs. */
    @jakarta.annotation.PostConstruct
    void counters() {
        connections = metrics.counter("ketang_gateway_connections");
        joins = metrics.counter("ketang_gateway_joins");
        deliveries = metrics.counter("ketang_gateway_deliveries");
        metrics.gauge("ketang_gateway_sockets", sessions::size);
        metrics.gauge("ketang_gateway_rooms", () -> rooms.rooms().size());
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        registryWork = java.util.concurrent.Executors.newFixedThreadPool(2, threads);
        chatBudgets = new Budgets(chatRate, chatBurst);
        studentFrames = new Budgets(studentRate, studentBurst);
        staffFrames = new Budgets(staffRate, staffBurst);
        Runtime.getRuntime().addShutdownHook(drainHook);
        sweeping = scheduler.scheduleWithFixedDelay(() -> {
            closeSilent();
            long now = System.nanoTime();
            for (Budgets budgets : new Budgets[] {chatBudgets, studentFrames, staffFrames}) {
                budgets.sweep(now);
            }
        }, 1, 1, TimeUnit.SECONDS);
        nodeChannel.listen(sessionId -> {
            ClientSession replaced = sessions.get(sessionId);
            if (replaced != null) {
                replaced.replaced = true;
                close(replaced.socket, CloseCodes.REPLACED, "replaced by a newer login");
            }
        });
    }

    void opened(Session socket) {
        SessionWriter writer = new SessionWriter(socket.getAsyncRemote(), blockingWrites ? socket.getBasicRemote() : null, outboundQueue,
                w -> close(socket, CloseCodes.TOO_SLOW, "too slow"), flusher::schedule);
        ClientSession session = new ClientSession(socket, writer, Budgets.Budget.ofConnection(studentRate, studentBurst, System.nanoTime()));
        sessions.put(socket.getId(), session);
        connections.inc();
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
        if (tooLarge(text)) {
            if (++session.tooLarge > 1) {
                close(socket, CloseCodes.TOO_LARGE, "too large");
            } else {
                session.send(Frames.error(null, ErrorCode.TOO_LARGE, "a frame may hold at most " + maxFrameBytes + " bytes"));
            }
            return;
        }
        JsonObject frame = Frames.parse(text);
        // every frame counts against the budget, unreadable ones too; a refusal names the frame's id
        Long id = frame == null ? null : Frames.id(frame);
        if (!admitFrame(session, id)) {
            return;
        }
        if (frame == null) {
            session.send(Frames.error(null, ErrorCode.BAD_FRAME,
                    "a frame is exactly one JSON object with a string type, nested at most " + Frames.MAX_DEPTH + " levels"));
            return;
        }
        if (id == null && Frames.hasId(frame)) {
            session.send(Frames.error(null, ErrorCode.BAD_FRAME, "id must be an integer"));
            return;
        }
        String type = frame.getString("type");
        if (!session.authenticated() && !"hello".equals(type)) {
            session.send(Frames.error(id, ErrorCode.UNAUTHORIZED, "say hello first"));
            return;
        }
        // while a frame is handled (a join waiting on an unreachable database, say), the client's
        // next frames, heartbeats included, wait unread: the silence is the server's, not the client's
        session.handlingSince = System.nanoTime();
        try {
            switch (type) {
                case "hello" -> hello(session, frame, id);
                case "hb" -> heartbeat(session);
                case "join" -> join(session, frame, id);
                case "leave" -> leave(session, frame, id);
                case "send" -> send(session, frame, id);
                case "members" -> members(session, frame, id);
                case "ack" -> ack(session, frame, id);
                case "pull" -> pull(session, frame, id);
                default -> session.send(Frames.error(id, ErrorCode.BAD_FRAME, "unknown type"));
            }
        } catch (Frames.BadFrame bad) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, bad.getMessage()));
        } catch (RuntimeException bug) {
            // every frame is answered; what went wrong is logged here, never sent to the client
            LOG.log(Level.SEVERE, "A " + type + " frame failed", bug);
            session.send(Frames.error(id, ErrorCode.INTERNAL, "internal error"));
        } finally {
            long now = System.nanoTime();
            if (now - session.handlingSince > TimeUnit.SECONDS.toNanos(1) && session.authenticated()) {
                session.lastHeartbeat = now; // it was waiting on us
            }
            session.handlingSince = 0;
        }
    }

    void closed(Session socket) {
        ClientSession session = sessions.remove(socket.getId());
        if (session == null) {
            return;
        }
        for (var timer : new java.util.concurrent.Future<?>[] {session.helloDeadline, session.forcedClose}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        ExitReason reason = session.timedOut ? ExitReason.TIMEOUT : ExitReason.CLOSED;
        if (session.authenticated()) {
            // a user whose newer session holds the terminal moved (a reconnect to another node, a
            // new login): the rooms' member entries are the newer session's, and nobody left
            boolean moved = !releaseEntry(session) || session.replaced;
            if (!moved) {
                for (RoomRef room : session.rooms) {
                    leaveRoom(session, room, reason);
                }
            }
        }
        release(session);
        if (session.authenticated()) {
            Identity who = session.identity;
            byUser.computeIfPresent(userKey(who.bid(), who.uin()), (k, set) -> {
                set.remove(session);
                return set.isEmpty() ? null : set;
            });
            chatBudgets.release(userKey(who.bid(), who.uin()));
            (who.staff() ? staffFrames : studentFrames).release(terminalKey(who, session.terminal));
        }
    }

    /** Takes the session's registry entry away; false when a newer session of the user holds the terminal. */
    private boolean releaseEntry(ClientSession session) {
        Identity who = session.identity;
        try {
            return registry.release(who.bid(), who.uin(), session.terminal, session.entry);
        } catch (RuntimeException e) {
            // Redis away: the entry expires by itself; the user counts as gone, as before a registry
            LOG.log(Level.FINE, "session registry release failed", e);
            return true;
        }
    }

    void onRoomMessage(@Observes RoomMessageArrived message) {
        deliveries.inc(rooms.deliver(message.room(), message.target(), message.frame(), message.seq()));
    }

    void onUserMessage(@Observes UserMessageArrived message) {
        for (Long uin : message.uins()) {
            Set<ClientSession> theirs = byUser.get(userKey(message.bid(), uin));
            if (theirs != null) {
                theirs.forEach(s -> s.sendLater(message.frame()));
            }
        }
    }

    private static String userKey(String bid, long uin) {
        return bid + "/" + uin;
    }

    private static String terminalKey(Identity who, Terminal terminal) {
        return who.bid() + "/" + who.uin() + "/" + terminal.wireName();
    }

    void onRoomControl(@Observes RoomControlArrived arrived) {
        RoomControl control = arrived.control();
        if (control.action() == RoomControl.Action.OPENED || control.action() == RoomControl.Action.CHANGED) {
            return;
        }
        String kicked = JSON.createObjectBuilder().add("type", "kicked").add("room", control.room().room())
                .add("reason", control.reason()).build().toString();
        for (ClientSession session : rooms.sessions(control.room())) {
            Identity identity = session.identity;
            boolean concerned = control.action() == RoomControl.Action.CLOSED
                    || (identity != null && identity.uin() == control.uin());
            if (concerned) {
                session.sendLater(kicked);
                session.acked.remove(control.room());
                if (session.rooms.remove(control.room())) {
                    rooms.leave(control.room(), session);
                    leaveRoom(session, control.room(),
                            control.action() == RoomControl.Action.KICKED ? ExitReason.KICKED : ExitReason.CLOSED);
                }
            }
        }
    }

    /** A newer login on the same terminal replaces the older one (4409), on whichever node it is. */
    private void replaceOlder(Identity who, ClientSession session) {
        try {
            registry.claim(who.bid(), who.uin(), session.terminal, session.entry).ifPresent(older -> {
                if (older.node().equals(node.id())) {
                    ClientSession local = sessions.get(older.session());
                    if (local != null && local != session) {
                        local.replaced = true;
                        close(local.socket, CloseCodes.REPLACED, "replaced by a newer login");
                    }
                } else {
                    nodeChannel.replace(older.node(), older.session());
                }
            });
        } catch (RuntimeException e) {
            // Redis away: the session works; the registry catches up at the next heartbeat
            LOG.log(Level.WARNING, "Session registry unavailable at hello: {0}", e.toString());
        }
    }

    private void heartbeat(ClientSession session) {
        session.send("{\"type\":\"hb\"}");
        session.lastHeartbeat = System.nanoTime();
        Identity who = session.identity;
        long now = System.currentTimeMillis();
        for (RoomRef room : session.rooms) {
            heartbeats.note(new Beat(room, who.uin(), who.role(), session.terminal, now));
        }
        refreshEntry(session);
    }

    /**
     * Renews the session's registry entry off the socket's thread, one renewal in flight per
     * session: while a Redis node is away each call waits its timeout, and the frames behind a
     * heartbeat (the next heartbeats among them) must not wait with it.
     */
    private void refreshEntry(ClientSession session) {
        if (!session.refreshing.compareAndSet(false, true)) {
            return;
        }
        Identity who = session.identity;
        registryWork.execute(() -> {
            try {
                if (!registry.refresh(who.bid(), who.uin(), session.terminal, session.entry)) {
                    // a newer login took this terminal and its notice did not reach us
                    session.replaced = true;
                    close(session.socket, CloseCodes.REPLACED, "replaced by a newer login");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "session registry refresh failed", e);
            } finally {
                session.refreshing.set(false);
            }
        });
    }

    /** The most missed messages a {@code joined} carries; a client pulls the rest. */
    static final int MAX_MISSED = 500;

    /** Acknowledges the highest seq the client holds without a gap, and tells it the room's head. */
    private void ack(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        long seq = Frames.integer(frame, "seq", 0, 0, Long.MAX_VALUE);
        long head;
        try {
            head = pushes.head(room);
        } catch (RuntimeException e) {
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "history unavailable, retry"));
            return;
        }
        Long before = session.acked.put(room, seq);
        if (seq >= head || before != null && seq > before) {
            // it reads what it is sent: it holds everything, or more than at its last ack (a client
            // that stopped reading acks the same seq while the head moves on)
            session.writer.confirmed();
            session.ackedInTime();
        }
        session.send(Frames.reply("ack", id).add("room", room.room()).add("seq", seq).add("head", head).build().toString());
    }

    /** Important messages after a seq, from the room's history: how a client fills a gap. */
    private void pull(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        long after = Frames.integer(frame, "after", -1, 0, Long.MAX_VALUE);
        long limit = Frames.integer(frame, "limit", 100, 1, MAX_MISSED);
        if (after < 0) {
            throw new Frames.BadFrame("pull needs after (>= 0)");
        }
        Pulled pulled;
        try {
            pulled = pushes.after(room, after, (int) limit, maxReplyBytes);
        } catch (RuntimeException e) {
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "history unavailable, retry"));
            return;
        }
        chargeReply(session, pulled);
        session.send(Frames.reply("pulled", id).add("room", room.room()).add("head", pulled.head())
                .add("recovered", pulled.complete() || pulled.frames().isEmpty())
                .add("more", pulled.more()).add("msgs", Frames.array(pulled.frames())).build().toString());
    }

    /**
     * A reply of messages from the history costs the frame budget by its size: one token for each
     * full frame's worth of bytes ({@code max-frame-bytes}) beyond the first, which the asking frame
     * paid. So a client cannot make the node read and write far more than it sends.
     */
    private void chargeReply(ClientSession session, Pulled pulled) {
        long extra = pulled.bytes() / maxFrameBytes;
        if (extra > 0) {
            session.frames.charge(extra, System.nanoTime());
        }
    }

    /** The frame's room if the session is in it; otherwise answers the refusal and returns null. */
    private RoomRef joinedRoom(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return null;
        }
        RoomRef room = new RoomRef(session.identity.bid(), roomId);
        if (!session.rooms.contains(room)) {
            session.send(Frames.error(id, ErrorCode.NOT_IN_ROOM, "join the room first"));
            return null;
        }
        return room;
    }

    /** Records that the session is out of the room: member list, pending heartbeat, exit notice. */
    private void leaveRoom(ClientSession session, RoomRef room, ExitReason reason) {
        Identity who = session.identity;
        heartbeats.forget(room, who.uin());
        if (who.role() == Role.OBSERVER) {
            return;
        }
        memberships.leave(room, who.uin(), session.terminal).whenComplete((ok, failure) -> {
            if (failure != null) {
                // the heartbeat owner removes the member when its timer runs out
                LOG.log(Level.WARNING, "A leave was not recorded: {0}", failure.toString());
            }
        });
        heartbeats.exit(room, who.uin(), session.terminal, reason);
    }

    /** Closes sockets that sent no heartbeat for three intervals (4000). */
    private void closeSilent() {
        long now = System.nanoTime();
        long limit = now - TimeUnit.SECONDS.toNanos(3L * heartbeatSec);
        long stalled = TimeUnit.MILLISECONDS.toNanos(writeStallMs);
        long unacked = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        for (ClientSession session : sessions.values()) {
            if (session.authenticated() && session.lastHeartbeat - limit < 0 && session.handlingSince == 0 && !session.timedOut) {
                session.timedOut = true;
                close(session.socket, CloseCodes.HEARTBEAT_TIMEOUT, "no heartbeat");
            } else if (session.stalledOut) {
                continue;
            } else if (session.writer.blockedNanos(now) > stalled) {
                // a write stuck this long: the client stopped reading with its buffers full
                session.stalledOut = true;
                LOG.log(Level.FINE, "Closing a session whose write has been stuck for {0} ms", writeStallMs);
                close(session.socket, CloseCodes.TOO_SLOW, "too slow");
            } else if (session.awaitingAckNanos(now) > unacked) {
                // the kernel's buffers took what was written (megabytes, on a fast link) or a write
                // is slow, yet the client, alive enough to heartbeat, acks nothing new: not reading
                session.stalledOut = true;
                LOG.log(Level.FINE, "Closing a session that acked no important message for {0} ms", ackTimeoutMs);
                close(session.socket, CloseCodes.TOO_SLOW, "too slow: no ack");
            }
        }
    }

    /** A page of the room's member list, filtered by role and terminal before paging. */
    private void members(ClientSession session, JsonObject frame, Long id) {
        RoomRef room = joinedRoom(session, frame, id);
        if (room == null) {
            return;
        }
        String roomId = room.room();
        String roleName = Frames.string(frame, "role");
        String terminalName = Frames.string(frame, "terminal");
        var role = roleName == null ? java.util.Optional.<Role>empty() : Role.parse(roleName);
        var terminal = terminalName == null ? java.util.Optional.<Terminal>empty() : Terminal.parse(terminalName);
        long after = Frames.integer(frame, "after", 0, 0, Long.MAX_VALUE);
        long limit = Frames.integer(frame, "limit", 100, 1, Memberships.MAX_PAGE);
        if ((roleName != null && role.isEmpty()) || (terminalName != null && terminal.isEmpty())) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "role, terminal or limit (1.." + Memberships.MAX_PAGE + ") not valid"));
            return;
        }
        MemberPage page = memberships.page(room, role, terminal, after, (int) limit);
        var list = JSON.createArrayBuilder();
        for (Member m : page.members()) {
            list.add(MemberFrames.member(m));
        }
        var reply = Frames.reply("members", id).add("room", roomId).add("count", memberships.count(room)).add("members", list);
        if (page.next() != null) {
            reply.add("next", page.next());
        }
        session.send(reply.build().toString());
    }

    /** The per-connection frame budget; a client that ignores RATE_LIMITED long enough is flooding. */
    private boolean admitFrame(ClientSession session, Long id) {
        long retryAfterMs = session.frames.take(System.nanoTime());
        if (retryAfterMs == 0) {
            session.refusedInARow = 0;
            return true;
        }
        if (++session.refusedInARow > floodStrikes) {
            close(session.socket, CloseCodes.FLOODING, "flooding");
            return false;
        }
        session.send(rateLimited(id, "too many frames", retryAfterMs));
        return false;
    }

    private boolean tooLarge(String text) {
        // a char is at most 3 UTF-8 bytes in a Java string (surrogate pairs: 4 bytes for 2 chars)
        if (text.length() * 3L <= maxFrameBytes) {
            return false;
        }
        return text.length() > maxFrameBytes || text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes;
    }

    private void hello(ClientSession session, JsonObject frame, Long id) {
        if (session.authenticated()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "already said hello"));
            return;
        }
        var identity = tokens.verify(Frames.string(frame, "token")).flatMap(Identity::of);
        if (identity.isEmpty()) {
            close(session.socket, CloseCodes.UNAUTHORIZED, "unauthorized");
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
        byUser.computeIfAbsent(userKey(who.bid(), who.uin()), k -> ConcurrentHashMap.newKeySet()).add(session);
        long now = System.nanoTime();
        session.chat = chatBudgets.acquire(userKey(who.bid(), who.uin()), now);
        Budgets frameBudgets = who.staff() ? staffFrames : studentFrames;
        // the user's budget on this terminal, as a previous connection left it; hello itself was paid by this connection's own
        session.frames = frameBudgets.acquire(terminalKey(who, session.terminal), now);
        session.helloDeadline.cancel(false);
        replaceOlder(who, session);
        double rate = frameBudgets.ratePerSec();
        int burst = frameBudgets.burst();
        session.send(Frames.reply("welcome", id)
                .add("session", session.id())
                .add("uin", who.uin())
                .add("role", who.role().wireName())
                .add("heartbeatSec", heartbeatSec)
                .add("node", node.id())
                .add("limits", JSON.createObjectBuilder()
                        .add("framesPerSec", rate).add("burst", burst).add("maxFrameBytes", maxFrameBytes)
                        .add("chatPerSec", chatRate).add("chatBurst", chatBurst))
                .build().toString());
    }

    private void join(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        long since = since(frame);
        Identity who = session.identity;
        if (!who.mayJoin(roomId)) {
            session.send(Frames.error(id, ErrorCode.FORBIDDEN, "the token does not allow this room"));
            return;
        }
        RoomRef ref = new RoomRef(who.bid(), roomId);
        Admission admission;
        try {
            admission = roomDirectory.admit(ref, who.uin());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Join check failed: {0}", e.toString());
            session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot check the room now, retry"));
            return;
        }
        switch (admission.outcome()) {
            case NO_SUCH_ROOM -> session.send(Frames.error(id, ErrorCode.NO_SUCH_ROOM, "no such room"));
            case NOT_LIVE -> session.send(Frames.error(id, ErrorCode.ROOM_CLOSED, "the room is " + admission.room().status().wireName()));
            case KICKED -> session.send(Frames.reply("error", id).add("code", ErrorCode.FORBIDDEN.name())
                    .add("message", "kicked from this room").add("retryAfterMs", admission.retryAfterMs()).build().toString());
            case ADMITTED -> {
                RoomView room = admission.room();
                Memberships.Joining joining;
                try {
                    joining = memberships.join(ref, who.uin(), who.role(), session.terminal, node.id(), room.groupSize());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Join not recorded: {0}", e.toString());
                    session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot enter the room now, retry"));
                    return;
                }
                Pulled missed;
                try {
                    missed = pushes.after(ref, since < 0 ? Long.MAX_VALUE : since, MAX_MISSED, maxReplyBytes);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "History unavailable at join: {0}", e.toString());
                    session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "cannot enter the room now, retry"));
                    return;
                }
                chargeReply(session, missed);
                session.rooms.add(ref);
                if (joining.group() != null) {
                    session.groups.put(ref, joining.group());
                }
                rooms.join(ref, session);
                joins.inc();
                boolean listed = who.role() != Role.OBSERVER && memberships.member(ref, who.uin()).isEmpty();
                var joined = Frames.reply("joined", id)
                        .add("room", roomId)
                        .add("seq", missed.head())
                        .add("members", memberships.count(ref) + (listed ? 1 : 0));
                if (since >= 0) {
                    joined.add("recovered", missed.complete())
                            .add("more", missed.more())
                            .add("missed", Frames.array(missed.frames()));
                }
                if (joining.group() != null) {
                    joined.add("group", joining.group());
                }
                String mutedBecause = mutes.mutedBecause(ref);
                if (mutedBecause != null) {
                    joined.add("muted", mutedBecause);
                }
                session.send(joined
                        .add("title", room.title())
                        .add("status", room.status().wireName())
                        .add("teacher", room.teacherUin())
                        .add("chatMode", room.chatMode().wireName())
                        .add("groupSize", room.groupSize())
                        .add("here", rooms.count(ref))
                        .build().toString());
                sendState(session, ref, room, mutedBecause);
                if (who.role() != Role.OBSERVER) {
                    classroom.entered(ref, who.uin(), who.role(), session.terminal);
                }
            }
        }
    }

    /** What the client draws the class from, right after {@code joined}: see docs/protocol.md, Classroom. */
    private void sendState(ClientSession session, RoomRef ref, RoomView room, String mutedBecause) {
        Identity who = session.identity;
        try {
            var state = Frames.reply("state", null).add("room", ref.room()).add("chatMode", room.chatMode().wireName());
            if (mutedBecause != null) {
                state.add("muted", mutedBecause);
            }
            classroom.state(ref, new Actor(who.uin(), who.role())).forEach(state::add);
            session.send(state.build().toString());
        } catch (RuntimeException e) {
            // Redis answered the join's history a moment ago; the client can rejoin for the state
            LOG.log(Level.WARNING, "The classroom state of a join was not sent: {0}", e.toString());
        }
    }

    /** The seq in {@code since}, or -1 without one. */
    private static long since(JsonObject frame) {
        JsonValue since = frame.get("since");
        if (since == null) {
            return -1;
        }
        if (!(since instanceof JsonObject sinceObject) || !sinceObject.containsKey("seq")) {
            throw new Frames.BadFrame("since must be {\"seq\": n}");
        }
        return Frames.integer(sinceObject, "seq", -1, 0, Long.MAX_VALUE);
    }

    private void leave(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        if (!RoomRef.validId(roomId)) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "room must be a valid room id"));
            return;
        }
        RoomRef room = new RoomRef(session.identity.bid(), roomId);
        session.acked.remove(room);
        if (session.rooms.remove(room)) {
            rooms.leave(room, session);
            leaveRoom(session, room, ExitReason.CLOSED);
        }
        session.send(Frames.reply("left", id).add("room", roomId).build().toString());
    }

    /**
     * A member's message to a room: the frame's shape, membership of the room and the user's chat
     * budget are the gateway's; everything else the room decides ({@link Messages}).
     */
    private void send(ClientSession session, JsonObject frame, Long id) {
        String roomId = Frames.string(frame, "room");
        String kind = Frames.string(frame, "kind");
        JsonValue body = frame.getOrDefault("body", JsonValue.EMPTY_JSON_OBJECT);
        if (!RoomRef.validId(roomId) || kind == null || body.getValueType() != JsonValue.ValueType.OBJECT) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "send needs room, kind and an object body"));
            return;
        }
        if (Rights.rule(kind).isEmpty()) {
            session.send(Frames.error(id, ErrorCode.BAD_FRAME, "unknown kind"));
            return;
        }
        Identity who = session.identity;
        RoomRef room = new RoomRef(who.bid(), roomId);
        if (!session.rooms.contains(room)) {
            session.send(Frames.error(id, ErrorCode.NOT_IN_ROOM, "join the room first"));
            return;
        }
        if (Rights.maySend(who.role(), kind) && Messages.spendsChatBudget(who.role(), kind)) {
            long retryAfterMs = session.chat.take(System.nanoTime());
            if (retryAfterMs > 0) {
                session.send(rateLimited(id, "too many messages", retryAfterMs));
                return;
            }
        }
        messages.send(new Actor(who.uin(), who.role()), session.groups.get(room), room, kind, body.asJsonObject())
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "A {0} failed: {1}", new Object[] {kind, failure.toString()});
                        session.send(Frames.error(id, ErrorCode.UNAVAILABLE, "not accepted, retry"));
                    } else {
                        session.send(reply(outcome, id));
                    }
                });
    }

    private static String rateLimited(Long id, String message, long retryAfterMs) {
        return Frames.reply("error", id).add("code", ErrorCode.RATE_LIMITED.name()).add("message", message)
                .add("retryAfterMs", retryAfterMs).build().toString();
    }

    /** {@code sent} (with the message's seq and what the sender learns), or the error the room decided on. */
    private static String reply(Outcome outcome, Long id) {
        var frame = outcome.ok() ? Frames.reply("sent", id)
                : Frames.reply("error", id).add("code", ErrorCode.valueOf(outcome.error()).name()).add("message", outcome.message());
        if (outcome.seq() > 0) {
            frame.add("seq", outcome.seq());
        }
        if (outcome.retryAfterMs() > 0) {
            frame.add("retryAfterMs", outcome.retryAfterMs());
        }
        if (!outcome.result().isEmpty()) {
            frame.add("result", outcome.result());
        }
        return frame.build().toString();
    }

    /** Tells this node's clients in the rooms concerned (one, a business's, or all) that chat was muted or unmuted. */
    void onMuteChanged(@Observes MuteChanged change) {
        for (RoomRef room : rooms.rooms()) {
            boolean concerned = change.bid() == null
                    || (room.bid().equals(change.bid()) && (change.room() == null || room.room().equals(change.room())));
            if (concerned) {
                // what holds for the room now: lifting a business's mute leaves a room's own in place
                String reason = mutes.mutedBecause(room);
                var frame = JSON.createObjectBuilder().add("type", "muted").add("room", room.room()).add("muted", reason != null);
                if (reason != null) {
                    frame.add("reason", reason);
                }
                String text = frame.build().toString();
                rooms.sessions(room).forEach(s -> s.sendLater(text));
            }
        }
    }

    /**
     * Closes a session with a protocol code once the frames queued for it are written (the error
     * that explains the close among them), or after a second at most. A session too slow to drain
     * its queue is cut off at once, and its queue and rooms released right away.
     */
    private void close(Session socket, int code, String phrase) {
        ClientSession session = sessions.get(socket.getId());
        if (session == null || code == CloseCodes.TOO_SLOW) {
            closeNow(socket, code, phrase);
            return;
        }
        session.writer.finish(() -> closeNow(socket, code, phrase));
        session.forcedClose = scheduler.schedule(() -> closeNow(socket, code, phrase), 1, TimeUnit.SECONDS);
    }

    /**
     * Closes the socket, and first retires its session (rooms, member entries, exit notices, the
     * registry) without waiting for the container to report the close: a close of a socket whose
     * client reads nothing waits on the full socket for as long as the client's TCP lives, and its
     * session must not stay listed and held meanwhile. The container's later report finds nothing.
     */
    private void closeNow(Session socket, int code, String phrase) {
        registryWork.execute(() -> closed(socket));
        closer.close(socket, code, phrase);
    }

    /** Takes the session out of its rooms and drops its queue, before its socket is gone. */
    private void release(ClientSession session) {
        for (RoomRef room : session.rooms) {
            rooms.leave(room, session);
        }
        session.rooms.clear();
        session.writer.close();
    }

    /**
     * Graceful drain: every socket is closed with 4503 so its client reconnects to another node.
     * It runs from a JVM shutdown hook, i.e. as soon as the node is told to stop by a signal
     * (a container stop, Ctrl-C), because Liberty quiesces its HTTP connections before it stops
     * applications: by the time the application is told, the sockets are already going.
     */
    private void drain() {
        int count = sessions.size();
        for (ClientSession session : sessions.values()) {
            SocketCloser.closeNow(session.socket, CloseCodes.SHUTTING_DOWN, "node shutting down");
        }
        if (count > 0) {
            LOG.info(() -> "Drained " + count + " sessions with 4503");
        }
    }

    @PreDestroy
    void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        for (ClientSession session : sessions.values()) {
            for (var timer : new java.util.concurrent.Future<?>[] {session.helloDeadline, session.forcedClose}) {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(drainHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran
        }
        drain();
        if (registryWork != null) {
            registryWork.shutdown();
        }
    }

    /** Number of open sessions on this node. */
    public int sessionCount() {
        return sessions.size();
    }
}
