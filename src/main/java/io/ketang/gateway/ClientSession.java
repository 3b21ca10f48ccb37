package io.ketang.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import jakarta.websocket.Session;

import io.ketang.platform.sessions.SessionEntry;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * One client connection: its socket, its writer, its frame budget and, once {@code hello}
 * succeeded, who it is. The container hands a session's frames over one at a time, so the
 * counters are touched by one thread; what other threads read is volatile or concurrent.
 */
final class ClientSession {

    final Session socket;
    final SessionWriter writer;
    final Set<RoomRef> rooms = ConcurrentHashMap.newKeySet();
    /** The seq the client last acked in each room. */
    final java.util.Map<RoomRef, Long> acked = new ConcurrentHashMap<>();
    /** The session's small-class group in each room that has groups. */
    final java.util.Map<RoomRef, String> groups = new ConcurrentHashMap<>();
    volatile Identity identity;
    volatile Terminal terminal;
    /** This session's line in the session registry, set at hello. */
    volatile SessionEntry entry;
    /** When the socket opened, System.nanoTime: it has {@code hello-timeout-ms} from then to say hello. */
    final long openedAt;
    /**
     * Set once the socket has closed and its rooms were handed back; a join still under way then
     * leaves again by itself (see {@link Connections#leaveEnded}). {@link #exitReason} is set first.
     */
    volatile boolean ended;
    /** What the rooms of an ended session hear: why it left, or null for nothing (a newer session took over). */
    volatile io.ketang.heartbeat.api.ExitReason exitReason;
    /** Closes the socket if writing out its last frames takes too long. */
    volatile Future<?> forcedClose;
    /** When the last heartbeat (or hello) came, System.nanoTime. */
    volatile long lastHeartbeat;
    /** When the frame being handled now arrived (System.nanoTime), 0 when none: no heartbeat timeout meanwhile. */
    volatile long handlingSince;
    /**
     * Why the server decided to close this socket, null while it has not: the first decision holds
     * (a session cut off for silence is not closed again for being slow), and says what the rooms
     * hear (a timeout, or nothing at all for a session a newer login replaced).
     */
    private final java.util.concurrent.atomic.AtomicReference<Disconnect> disconnect = new java.util.concurrent.atomic.AtomicReference<>();
    /** Set while a renewal of its registry entry is under way. */
    final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
    /** The frame budget: the connection's own until hello, then the user's on this terminal (see {@link Budgets}). */
    volatile Budgets.Budget frames;
    /** The user's chat budget on this node, from hello on. */
    volatile Budgets.Budget chat;
    /** Guarded by the container's one-frame-at-a-time delivery. */
    int tooLarge;
    int refusedInARow;

    ClientSession(Session socket, SessionWriter writer, Budgets.Budget frames, long openedAt) {
        this.socket = socket;
        this.openedAt = openedAt;
        this.writer = writer;
        this.frames = frames;
    }

    String id() {
        return socket.getId();
    }

    boolean authenticated() {
        return identity != null;
    }

    /** Records why the server closes this socket; false when it had decided so already, for whatever reason. */
    boolean decide(Disconnect why) {
        return disconnect.compareAndSet(null, why);
    }

    /** Why the server closes this socket, null when it has not decided to (the client closed, or it is open). */
    Disconnect disconnect() {
        return disconnect.get();
    }

    /** The client acked more than before, or all there is: it reads. */
    void ackedInTime() {
        writer.acked();
    }

    /** How long an important message written to this client has gone without an ack, 0 when none waits. */
    long awaitingAckNanos(long now) {
        return writer.awaitingAckNanos(now);
    }

    /** A reply to this client's own frame: written now, on the calling thread when the session keeps up. */
    void send(String frame) {
        writer.offer(frame);
    }

    /**
     * A reply that need not go out at once (to an {@code ack}): it leaves with the session's next
     * write, or a little later by itself ({@link SessionWriter#offerSoon}).
     */
    void sendSoon(String frame) {
        writer.offerSoon(frame);
    }

    /**
     * One of many sessions' frame (a fan-out), or a reply that comes on another thread than this
     * client's read (after Kafka took a message): queued, written by the flusher threads.
     */
    void sendLater(String frame) {
        writer.offerLater(frame);
    }
}
