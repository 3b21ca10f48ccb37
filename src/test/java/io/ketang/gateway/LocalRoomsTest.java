package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import io.ketang.push.api.Target;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

class LocalRoomsTest {

    private static final RoomRef ROOM = new RoomRef("academy", "math-101");
    private static final String BATCH = "{\"type\":\"batch\",\"room\":\"math-101\",\"items\":[],\"dropped\":0}";

    private final LocalRooms rooms = new LocalRooms();
    /** Writers that asked a flusher for a write; nobody flushes them here, so what is offered stays queued. */
    private final List<SessionWriter> waitingForFlusher = new ArrayList<>();

    private ClientSession student(long uin) {
        SessionWriterTest.Socket socket = new SessionWriterTest.Socket();
        Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getId") ? "s" + uin : null);
        ClientSession student = new ClientSession(session,
                new SessionWriter(socket.remote, 100, w -> { }, waitingForFlusher::add),
                Budgets.Budget.ofConnection(10, 10, 0), 0);
        student.identity = new Identity(uin, "academy", Role.STUDENT, java.util.Set.of());
        rooms.join(ROOM, student);
        return student;
    }

    @Test
    void aBatchIsLeftOutForASessionThatIsBehindAndGoesToTheOthers() {
        ClientSession keepingUp = student(1);
        ClientSession behind = student(2);
        for (int i = 0; i < SessionWriter.BEHIND_AT; i++) {
            behind.writer.offerLater("{\"type\":\"msg\",\"seq\":" + (i + 1) + "}");
        }

        LocalRooms.FannedOut fanned = rooms.deliver(ROOM, Target.ROOM, BATCH, 0, true);

        assertThat(fanned).isEqualTo(new LocalRooms.FannedOut(1, 1));
        assertThat(keepingUp.writer.queued()).isEqualTo(1);
        assertThat(behind.writer.queued()).isEqualTo(SessionWriter.BEHIND_AT);
    }

    @Test
    void anImportantMessageIsQueuedForASessionThatIsBehind() {
        ClientSession behind = student(2);
        for (int i = 0; i < SessionWriter.BEHIND_AT; i++) {
            behind.writer.offerLater(BATCH);
        }

        LocalRooms.FannedOut fanned = rooms.deliver(ROOM, Target.ROOM, "{\"type\":\"msg\",\"seq\":9}", 9, false);

        assertThat(fanned).isEqualTo(new LocalRooms.FannedOut(1, 0));
        assertThat(behind.writer.queued()).isEqualTo(SessionWriter.BEHIND_AT + 1);
    }

    @Test
    void aSessionWithAFrameOrTwoWaitingStillGetsTheBatch() {
        ClientSession student = student(3);
        student.writer.offerLater("{\"type\":\"msg\",\"seq\":1}");
        student.writer.offerLater("{\"type\":\"msg\",\"seq\":2}");

        assertThat(rooms.deliver(ROOM, Target.ROOM, BATCH, 0, true)).isEqualTo(new LocalRooms.FannedOut(1, 0));
        assertThat(student.writer.queued()).isEqualTo(3);
    }
}
