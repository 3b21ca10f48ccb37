package io.ketang.gateway;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.membership.api.Memberships;
import io.ketang.platform.sessions.SessionRegistry;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * A connection's life on this node: opened, signed in (the session registry, and the older login
 * it replaces), kept (heartbeats renew the registry entry; silent, slow and unacking clients are
 * cut off), and ended, by the client or by a {@link Disconnect} the server decides; and at a
 * node's stop, the drain. An ended session leaves its rooms: member list, heartbeat timer, exit
 * notice, unless a newer session of the user took over.
 */
@ApplicationScoped
class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());
    private static final long SWEEP_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Inject
    GatewaySettings settings;

    @Inject
    LocalSessions sessions;

    @Inject
    LocalRooms rooms;

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

    @Inject
    MetricRegistry metrics;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    private Counter connections;
    private final Thread drainHook = new Thread(this::drain, "ketang-drain");
    /** Registry renewals and session retirements, off the sockets' threads (see {@link #refreshEntry}). */
    private ExecutorService registryWork;
    private Future<?> sweeping;
    private final SweepLag sweepLag = new SweepLag(SWEEP_PERIOD_NANOS);
    private long lagLoggedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    /** How long the node ran behind lately (within two heartbeat timeouts), as of the last sweep. */
    private volatile long behindLately;

    @jakarta.annotation.PostConstruct
    void counters() {
        connections = metrics.counter("ketang_gateway_connections");
        metrics.gauge("ketang_gateway_sockets", sessions::count);
        metrics.gauge("ketang_gateway_rooms", () -> rooms.rooms().size());
        // text frames written to sockets (a frames envelope is one): deliveries per write say how much merging saves
        metrics.gauge("ketang_gateway_socket_writes", SessionWriter::writes);
        // sessions whose writes went asynchronous, by why: each can park a Liberty thread at its client's close
        for (SessionWriter.Unpaced why : SessionWriter.Unpaced.values()) {
            metrics.gauge("ketang_gateway_unpaced", why::times,
                    new Tag("reason", why.name().toLowerCase(Locale.ROOT)));
        }
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        registryWork = Executors.newFixedThreadPool(2, threads);
        Runtime.getRuntime().addShutdownHook(drainHook);
        sweeping = scheduler.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            noteLateness(now, sweepLag.sweep(now));
            cutOffQuietOnes(now);
            sessions.sweepBudgets(now);
        }, SWEEP_PERIOD_NANOS, SWEEP_PERIOD_NANOS, TimeUnit.NANOSECONDS);
        // a newer login on another node took a terminal one of our sessions holds
        nodeChannel.listen(sessionId -> {
            ClientSession replaced = sessions.get(sessionId);
            if (replaced != null) {
                disconnect(replaced, Disconnect.REPLACED);
            }
        });
    }

    /** A socket opened: it has its writer, the connection's own frame budget, and {@code hello-timeout-ms} to say hello. */
    ClientSession opened(Session socket) {
        SessionWriter writer = new SessionWriter(socket.getAsyncRemote(), settings.blockingWrites() ? socket.getBasicRemote() : null,
                socket::isOpen, settings.outboundQueue(), w -> disconnect(socket, Disconnect.TOO_SLOW), flusher::schedule,
                flusher::linger);
        long now = System.nanoTime();
        ClientSession session = new ClientSession(socket, writer,
                Budgets.Budget.ofConnection(settings.studentRate(), settings.studentBurst(), now), now);
        sessions.add(session);
        connections.inc();
        return session;
    }

    /**
     * The session said who it is: it is known by user, and its registry entry claims the terminal.
     * A newer login on the same terminal replaces the older one (4409), on whichever node it is.
     */
    void signedIn(ClientSession session) {
        sessions.signedIn(session, System.nanoTime());
        Identity who = session.identity;
        try {
            registry.claim(who.bid(), who.uin(), session.terminal, session.entry).ifPresent(older -> {
                if (older.node().equals(session.entry.node())) {
                    ClientSession local = sessions.get(older.session());
                    if (local != null && local != session) {
                        disconnect(local, Disconnect.REPLACED);
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

    /**
     * Renews the session's registry entry off the socket's thread, one renewal in flight per
     * session: while a Redis node is away each call waits its timeout, and the frames behind a
     * heartbeat (the next heartbeats among them) must not wait with it.
     */
    void refreshEntry(ClientSession session) {
        if (!session.refreshing.compareAndSet(false, true)) {
            return;
        }
        Identity who = session.identity;
        registryWork.execute(() -> {
            try {
                if (!registry.refresh(who.bid(), who.uin(), session.terminal, session.entry)) {
                    // a newer login took this terminal and its notice did not reach us
                    disconnect(session, Disconnect.REPLACED);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "session registry refresh failed", e);
            } finally {
                session.refreshing.set(false);
            }
        });
    }

    /** The container reports the socket closed (or the server retires it first: see {@link #closeNow}). */
    void closed(Session socket) {
        ClientSession session = sessions.remove(socket.getId());
        if (session == null) {
            return;
        }
        if (session.forcedClose != null) {
            session.forcedClose.cancel(false);
        }
        Disconnect why = session.disconnect();
        if (session.authenticated()) {
            // a user whose newer session holds the terminal moved (a reconnect to another node, a
            // new login): the rooms' member entries are the newer session's, and nobody left. A
            // node that stops hands its users over as a node that dies would: their entries stay,
            // so they count as connected while they reconnect elsewhere, and if they do not, their
            // heartbeat owner lets them go once the entry runs out (exit: timeout)
            boolean moved = why == Disconnect.SHUTTING_DOWN || !releaseEntry(session) || why == Disconnect.REPLACED;
            session.exitReason = moved ? null : why == null ? ExitReason.CLOSED : why.exitReason();
        }
        // from here a join still under way sees the end and leaves by itself: whichever of the two
        // takes the room out of the session's set does the leaving, once
        session.ended = true;
        for (RoomRef room : session.rooms) {
            leaveEnded(session, room);
        }
        session.writer.close();
        if (session.authenticated()) {
            sessions.signedOut(session);
        }
    }

    /**
     * Takes an ended session out of a room, if nobody else has: this node's fan-out, and, unless a
     * newer session took over, the member list, heartbeat and exit notice.
     */
    void leaveEnded(ClientSession session, RoomRef room) {
        if (session.rooms.remove(room)) {
            rooms.leave(room, session);
            if (session.exitReason != null) {
                leftRoom(session, room, session.exitReason);
            }
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

    /**
     * Takes a live session out of a room (a leave, a kick, a close), if nobody else has: its acks,
     * this node's fan-out, and the member list, heartbeat and exit notice.
     */
    void takeOut(ClientSession session, RoomRef room, ExitReason reason) {
        session.acked.remove(room);
        if (session.rooms.remove(room)) {
            rooms.leave(room, session);
            leftRoom(session, room, reason);
        }
    }

    /** Records that the session is out of the room: member list, pending heartbeat, exit notice. */
    void leftRoom(ClientSession session, RoomRef room, ExitReason reason) {
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

    /**
     * Cuts off sockets that said no hello within {@code hello-timeout-ms} (4408) or sent no
     * heartbeat for three intervals (4000), whose blocking write has been stuck for
     * {@code write-stall-ms}, or that acked no important message for {@code ack-timeout-ms} while
     * they heartbeat (4008). A client is not blamed for the node's own delays: not for silence
     * while one of its frames is being handled, and not for the time the node ran behind, when it
     * read heartbeats, hellos and acks late (see {@link SweepLag}).
     */
    private void cutOffQuietOnes(long now) {
        long timeout = TimeUnit.SECONDS.toNanos(3L * settings.heartbeatSec());
        long behind = sweepLag.within(now, 2 * timeout);
        behindLately = behind;
        long heartbeatLimit = now - timeout - behind;
        long helloLimit = now - TimeUnit.MILLISECONDS.toNanos(settings.helloTimeoutMs()) - behind;
        long stalled = TimeUnit.MILLISECONDS.toNanos(settings.writeStallMs());
        long unacked = TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMs());
        for (ClientSession session : sessions.all()) {
            if (session.disconnect() != null) {
                continue;
            }
            session.writer.pongOverdue(now, behind);
            boolean waitedOn = session.handlingSince != 0;
            if (!session.authenticated()) {
                if (!waitedOn && session.openedAt - helloLimit < 0) {
                    disconnect(session, Disconnect.NO_HELLO);
                }
            } else if (!waitedOn && session.lastHeartbeat - heartbeatLimit < 0) {
                disconnect(session, Disconnect.HEARTBEAT_TIMEOUT);
            } else if (session.writer.blockedNanos(now) > stalled) {
                // a write stuck this long: the client stopped reading with its buffers full
                LOG.log(Level.FINE, "Closing a session whose write has been stuck for {0} ms", settings.writeStallMs());
                disconnect(session, Disconnect.TOO_SLOW);
            } else if (session.awaitingAckNanos(now) - behind > unacked) {
                // the kernel's buffers took what was written (megabytes, on a fast link) or a write
                // is slow, yet the client, alive enough to heartbeat, acks nothing new: not reading
                LOG.log(Level.FINE, "Closing a session that acked no important message for {0} ms", settings.ackTimeoutMs());
                disconnect(session, Disconnect.NO_ACK);
            }
        }
    }

    /** How long, in nanoseconds, the node ran behind within the last two heartbeat timeouts. */
    long behindLately() {
        return behindLately;
    }

    /** Says, at most every ten seconds, that the node ran a second or more behind. */
    private void noteLateness(long now, long lateNanos) {
        if (lateNanos >= TimeUnit.SECONDS.toNanos(1) && now - lagLoggedAt > TimeUnit.SECONDS.toNanos(10)) {
            lagLoggedAt = now;
            LOG.log(Level.WARNING, "The node ran {0} ms behind (its sweep came late); heartbeat deadlines are moved by as much",
                    TimeUnit.NANOSECONDS.toMillis(lateNanos));
        }
    }

    private void disconnect(Session socket, Disconnect why) {
        ClientSession session = sessions.get(socket.getId());
        if (session == null) {
            closeNow(socket, why);
        } else {
            disconnect(session, why);
        }
    }

    /**
     * Closes a session for the reason given, once the frames queued for it are written (the error
     * that explains the close among them), or after a second at most. A client too slow to drain
     * its queue, or not reading at all, is cut off at once, and its queue and rooms released right
     * away. The first reason decided holds; a later one does nothing.
     */
    void disconnect(ClientSession session, Disconnect why) {
        if (!session.decide(why)) {
            return;
        }
        Session socket = session.socket;
        if (why == Disconnect.TOO_SLOW || why == Disconnect.NO_ACK) {
            closeNow(socket, why);
            return;
        }
        session.writer.finish(() -> closeNow(socket, why));
        session.forcedClose = scheduler.schedule(() -> closeNow(socket, why), 1, TimeUnit.SECONDS);
    }

    /**
     * Closes the socket, and first retires its session (rooms, member entries, exit notices, the
     * registry) without waiting for the container to report the close: a close of a socket whose
     * client reads nothing waits on the full socket for as long as the client's TCP lives, and its
     * session must not stay listed and held meanwhile. The container's later report finds nothing.
     */
    private void closeNow(Session socket, Disconnect why) {
        registryWork.execute(() -> closed(socket));
        closer.close(socket, why);
    }

    /** Takes the session out of its rooms and drops its queue, before its socket is gone. */
    /**
     * Graceful drain: every socket is closed with 4503 so its client reconnects to another node.
     * It runs from a JVM shutdown hook, i.e. as soon as the node is told to stop by a signal
     * (a container stop, Ctrl-C), because Liberty quiesces its HTTP connections before it stops
     * applications: by the time the application is told, the sockets are already going.
     */
    private void drain() {
        List<ClientSession> all = List.copyOf(sessions.all());
        all.forEach(s -> s.decide(Disconnect.SHUTTING_DOWN));
        List<Session> sockets = all.stream().map(s -> s.socket).toList();
        // in parallel and bounded: a close waits up to seconds on a write in flight, and one at a
        // time 35 such sockets held a node's stop for over a minute (FaultSuite)
        int stillClosing = SocketCloser.closeAll(sockets, Disconnect.SHUTTING_DOWN, DRAIN_WAIT);
        if (!sockets.isEmpty()) {
            LOG.info(() -> "Drained " + sockets.size() + " sessions with 4503"
                    + (stillClosing > 0 ? "; " + stillClosing + " still closing after " + DRAIN_WAIT.toSeconds() + " s" : ""));
        }
    }

    /** The longest the drain waits for its closes: within Liberty's quiesce (30 s) and a container's stop grace. */
    private static final java.time.Duration DRAIN_WAIT = java.time.Duration.ofSeconds(10);

    @PreDestroy
    void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        for (ClientSession session : sessions.all()) {
            if (session.forcedClose != null) {
                session.forcedClose.cancel(false);
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
}
