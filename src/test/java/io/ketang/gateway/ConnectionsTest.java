package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.Session;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ketang.membership.api.Memberships;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.platform.sessions.SessionRegistry;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * A session that ends leaves each of its rooms once: its close, a join still under way when it
 * closed, and a leave frame agree on who does it; and a session a newer login took over leaves
 * its rooms silently, as does one whose node stops (4503).
 */
class ConnectionsTest {

    private static final RoomRef ROOM = new RoomRef("academy", "math-1");

    private final List<String> exits = new CopyOnWriteArrayList<>();
    private final List<String> leaves = new CopyOnWriteArrayList<>();
    private boolean newerSessionHoldsTheTerminal;
    private int releases;
    private final Connections connections = GatewayFixtures.connections();
    private ClientSession session;
    private Session socket;

    @BeforeEach
    void wire() {
        connections.registry = new SessionRegistry() {
            @Override
            public boolean release(String bid, long uin, Terminal terminal, SessionEntry entry) {
                releases++;
                return !newerSessionHoldsTheTerminal;
            }
        };
        connections.memberships = new Memberships() {
            @Override
            public CompletionStage<Void> leave(RoomRef room, long uin, Terminal terminal) {
                leaves.add(room.room() + " " + uin);
                return CompletableFuture.completedFuture(null);
            }
        };
        connections.heartbeats = GatewayFixtures.exitsInto(exits);
        socket = GatewayFixtures.socket("s1");
        session = new ClientSession(socket, new SessionWriter(new SessionWriterTest.Socket().remote, 100, w -> { }, w -> { }),
                Budgets.Budget.ofConnection(10, 10, 0), 0);
        session.identity = new Identity(7, "academy", Role.STUDENT, java.util.Set.of());
        session.terminal = Terminal.values()[0];
        connections.sessions.add(session);
        connections.sessions.signedIn(session, 0);
    }

    /** What RoomFrames.enter does once the member list has the join: fan-out first, the session's set after. */
    private void joinCompletes() {
        connections.rooms.join(ROOM, session);
        session.rooms.add(ROOM);
        if (session.ended) {
            connections.leaveEnded(session, ROOM);
        }
    }

    @Test
    void aSocketThatClosesLeavesItsRoomsOnce() {
        joinCompletes();
        connections.closed(socket);
        connections.leaveEnded(session, ROOM);

        assertThat(exits).containsExactly("math-1 7 closed");
        assertThat(leaves).containsExactly("math-1 7");
        assertThat(connections.rooms.sessions(ROOM)).isEmpty();
        assertThat(session.rooms).isEmpty();
    }

    @Test
    void aJoinStillUnderWayWhenTheSocketClosedLeavesAgainBehindIt() {
        // the member list took the join; the close comes before the join is done on this node
        connections.closed(socket);
        assertThat(exits).isEmpty();
        joinCompletes();

        assertThat(exits).containsExactly("math-1 7 closed");
        assertThat(leaves).containsExactly("math-1 7");
        assertThat(connections.rooms.sessions(ROOM)).as("no dead session left in the fan-out").isEmpty();
        assertThat(connections.rooms.rooms()).doesNotContain(ROOM);
    }

    @Test
    void aSessionANewerLoginTookOverLeavesTheFanOutAndTellsTheRoomNothing() {
        newerSessionHoldsTheTerminal = true;
        joinCompletes();
        connections.closed(socket);

        assertThat(exits).isEmpty();
        assertThat(leaves).as("the member entry is the newer session's").isEmpty();
        assertThat(connections.rooms.sessions(ROOM)).isEmpty();
    }

    @Test
    void aSessionCutOffForSilenceTellsItsRoomsItTimedOut() {
        joinCompletes();
        session.decide(Disconnect.HEARTBEAT_TIMEOUT);
        connections.closed(socket);

        assertThat(exits).containsExactly("math-1 7 timeout");
    }

    @Test
    void aSessionClosedBecauseItsNodeStopsIsHandedOverAsIfTheNodeHadDied() {
        joinCompletes();
        session.decide(Disconnect.SHUTTING_DOWN);
        connections.closed(socket);

        assertThat(exits).as("the user reconnects elsewhere; if not, their heartbeat owner lets them go").isEmpty();
        assertThat(leaves).isEmpty();
        assertThat(releases).as("the registry entry stays: the user counts as connected while reconnecting").isZero();
        assertThat(connections.rooms.sessions(ROOM)).isEmpty();
    }
}
