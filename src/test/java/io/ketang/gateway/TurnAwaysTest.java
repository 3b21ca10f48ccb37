package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.Memberships;
import io.ketang.membership.api.Seat;
import io.ketang.platform.Node;
import io.ketang.platform.sessions.SessionEntry;
import io.ketang.push.api.Pulled;
import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.room.api.Admission;
import io.ketang.room.api.ChatMode;
import io.ketang.room.api.RoomStatus;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * A kick or a room's close that reaches the node while a join is under way (admitted before it,
 * entering the room after its sweep) still keeps the user out; one from before the admission is
 * not held against the join.
 */
class TurnAwaysTest {

    private static final RoomRef ROOM = new RoomRef("academy", "math-1");
    private static final RoomView LIVE = new RoomView(ROOM, "Maths", 1, RoomStatus.LIVE, 0, ChatMode.OPEN,
            Instant.EPOCH, Instant.EPOCH, null);

    private final List<String> exits = new CopyOnWriteArrayList<>();
    private final List<String> leaves = new CopyOnWriteArrayList<>();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final AtomicInteger admissions = new AtomicInteger();
    /** What reaches the node while the join's member entry is being written. */
    private Runnable duringTheJoin = () -> { };
    /** What the room directory answers after the first admission. */
    private Admission later = new Admission(Admission.Outcome.KICKED, LIVE, 600_000);

    private final Connections connections = GatewayFixtures.connections();
    private final LocalFanOut fanOut = new LocalFanOut();
    private final RoomFrames frames = new RoomFrames();
    private final TurnAways turnAways = new TurnAways();
    private ClientSession session;
    private SessionWriter writer;

    @BeforeEach
    void wire() {
        connections.memberships = new Memberships() {
            @Override
            public Joining join(RoomRef room, long uin, Role role, Terminal terminal, Seat seat, int groupSize) {
                duringTheJoin.run();
                return new Joining(null, CompletableFuture.completedFuture(null));
            }

            @Override
            public CompletionStage<Void> leave(RoomRef room, long uin, Terminal terminal) {
                leaves.add(room.room() + " " + uin);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Optional<Member> member(RoomRef room, long uin) {
                return Optional.empty();
            }
        };
        connections.heartbeats = GatewayFixtures.exitsInto(exits);
        fanOut.rooms = connections.rooms;
        fanOut.sessions = connections.sessions;
        fanOut.connections = connections;
        fanOut.turnAways = turnAways;
        frames.settings = GatewaySettings.DEFAULTS;
        frames.rooms = connections.rooms;
        frames.connections = connections;
        frames.memberships = connections.memberships;
        frames.turnAways = turnAways;
        frames.node = new Node("node-a");
        frames.roomDirectory = new Rooms() {
            @Override
            public Admission admit(RoomRef ref, long uin) {
                return admissions.getAndIncrement() == 0 ? new Admission(Admission.Outcome.ADMITTED, LIVE, 0) : later;
            }
        };
        frames.pushes = new Pushes() {
            @Override
            public Pulled after(RoomRef room, long afterSeq, int limit, int maxBytes) {
                return new Pulled(List.of(), 0, 0, true, 0);
            }
        };
        Session socket = GatewayFixtures.socket("s1");
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    written.add((String) args[0]);
                    ((SendHandler) args[1]).onResult(new SendResult());
                    return null;
                });
        writer = new SessionWriter(remote, 64, w -> { }, w -> { });
        session = new ClientSession(socket, writer, Budgets.Budget.ofConnection(10, 10, 0), 0);
        session.identity = new Identity(7, "academy", Role.STUDENT, java.util.Set.of());
        session.terminal = Terminal.APP;
        session.entry = new SessionEntry("node-a", "s1", 0);
        connections.sessions.add(session);
        connections.sessions.signedIn(session, 0);
    }

    private JsonObject joinReply() {
        frames.join(session, JSON.createReader(new StringReader("{\"type\":\"join\",\"id\":3,\"room\":\"math-1\"}")).readObject(), 3L);
        writer.flush();
        assertThat(written).hasSize(1);
        return JSON.createReader(new StringReader(written.get(0))).readObject();
    }

    private void arrives(RoomControl.Action action) {
        fanOut.onRoomControl(new RoomControlArrived(new RoomControl(ROOM, action, action == RoomControl.Action.KICKED ? 7 : 0,
                action.name().toLowerCase(java.util.Locale.ROOT))));
    }

    @Test
    void aKickThatArrivesWhileTheJoinIsWrittenKeepsTheUserOut() {
        duringTheJoin = () -> arrives(RoomControl.Action.KICKED);

        JsonObject reply = joinReply();

        assertThat(reply.getString("type")).isEqualTo("error");
        assertThat(reply.getString("code")).isEqualTo("FORBIDDEN");
        assertThat(reply.getJsonNumber("retryAfterMs").longValue()).isEqualTo(600_000);
        assertThat(session.rooms).isEmpty();
        assertThat(connections.rooms.sessions(ROOM)).isEmpty();
        assertThat(leaves).as("the member entry the join wrote is taken back").containsExactly("math-1 7");
        assertThat(exits).containsExactly("math-1 7 kicked");
    }

    @Test
    void aRoomClosedWhileTheJoinIsWrittenAnswersRoomClosed() {
        later = new Admission(Admission.Outcome.NOT_LIVE, new RoomView(ROOM, "Maths", 1, RoomStatus.ENDED, 0, ChatMode.OPEN,
                Instant.EPOCH, Instant.EPOCH, Instant.EPOCH), 0);
        duringTheJoin = () -> arrives(RoomControl.Action.CLOSED);

        JsonObject reply = joinReply();

        assertThat(reply.getString("code")).isEqualTo("ROOM_CLOSED");
        assertThat(session.rooms).isEmpty();
        assertThat(exits).containsExactly("math-1 7 closed");
    }

    @Test
    void aKickNotedBeforeTheAdmissionIsNotHeldAgainstTheJoin() {
        long before = System.nanoTime();
        turnAways.noted(new RoomControl(ROOM, RoomControl.Action.KICKED, 7, "kicked"), before);

        assertThat(turnAways.since(ROOM, 7, before + 1)).isEmpty();
        assertThat(turnAways.since(ROOM, 7, before - 1)).contains(RoomControl.Action.KICKED);
        assertThat(turnAways.since(ROOM, 8, before - 1)).as("another user").isEmpty();
    }

    @Test
    void aRoomsCloseTurnsEveryoneAwayAndOldNotesAreForgotten() {
        long t = System.nanoTime();
        turnAways.noted(new RoomControl(ROOM, RoomControl.Action.CLOSED, 0, "closed"), t);
        assertThat(turnAways.since(ROOM, 42, t - 1)).contains(RoomControl.Action.CLOSED);

        turnAways.noted(new RoomControl(new RoomRef("academy", "other"), RoomControl.Action.KICKED, 5, "kicked"),
                t + TurnAways.KEEP_NANOS + 1);
        assertThat(turnAways.size()).isEqualTo(1);
    }
}
