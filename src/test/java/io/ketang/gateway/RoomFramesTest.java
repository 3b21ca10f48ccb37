package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import io.ketang.classroom.api.Actor;
import io.ketang.classroom.api.Messages;
import io.ketang.classroom.api.Outcome;
import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/** The room frames' handlers, without a server: what the room decides comes from a fake. */
class RoomFramesTest {

    /** The room's answer to a message, completed by the test, as Kafka's producer thread would. */
    final CompletableFuture<Outcome> decided = new CompletableFuture<>();

    /** Who wrote each frame to the socket. */
    final List<String> writers = new CopyOnWriteArrayList<>();
    final List<String> written = new CopyOnWriteArrayList<>();
    /** How often the session asked a flusher thread to write for it. */
    final AtomicInteger flushesAsked = new AtomicInteger();

    final SessionWriter writer = new SessionWriter(remote(), 64, w -> { }, w -> flushesAsked.incrementAndGet());
    final ClientSession session = session();
    final RoomFrames frames = roomFrames();

    private RemoteEndpoint.Async remote() {
        return (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    writers.add(Thread.currentThread().getName());
                    written.add((String) args[0]);
                    ((SendHandler) args[1]).onResult(new SendResult());
                    return null;
                });
    }

    private ClientSession session() {
        Session socket = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getId") ? "s1" : null);
        ClientSession s = new ClientSession(socket, writer,
                Budgets.Budget.ofConnection(FrameIntakeTest.SETTINGS.studentRate(), FrameIntakeTest.SETTINGS.studentBurst(), 0), 0);
        s.identity = new Identity(1, "academy", Role.TEACHER, Set.of());
        s.rooms.add(new RoomRef("academy", "math-101"));
        return s;
    }

    private RoomFrames roomFrames() {
        RoomFrames handlers = new RoomFrames();
        handlers.messages = new Messages() {
            @Override
            public CompletionStage<Outcome> send(Actor sender, String group, RoomRef room, String kind, JsonObject body) {
                return decided;
            }
        };
        return handlers;
    }

    @Test
    void theReplyToAMessageIsWrittenByAFlusherNeverByTheThreadThatCompletesTheSend() throws Exception {
        frames.send(session, JSON.createReader(new StringReader(
                "{\"type\":\"send\",\"id\":9,\"room\":\"math-101\",\"kind\":\"signal\",\"body\":{\"n\":1}}")).readObject(), 9L);
        assertThat(written).as("nothing before the room decided").isEmpty();

        Thread kafka = new Thread(() -> decided.complete(Outcome.done(JSON.createObjectBuilder().build(), 42)),
                "kafka-producer-network-thread");
        kafka.start();
        kafka.join();
        assertThat(written).as("a socket write there could stop every push of the node").isEmpty();
        assertThat(flushesAsked).hasValue(1);

        writer.flush(); // what the flusher thread does
        assertThat(writers).containsExactly(Thread.currentThread().getName());
        JsonObject reply = JSON.createReader(new StringReader(written.get(0))).readObject();
        assertThat(reply.getString("type")).isEqualTo("sent");
        assertThat(reply.getJsonNumber("id").longValue()).isEqualTo(9);
        assertThat(reply.getJsonNumber("seq").longValue()).isEqualTo(42);
    }
}
