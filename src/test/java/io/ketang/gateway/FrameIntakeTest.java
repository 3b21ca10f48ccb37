package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.JsonObject;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import io.ketang.shared.Role;

/** The protocol's rules for every frame, without a server: a session on a fake socket and handlers that record. */
class FrameIntakeTest {

    /** Small limits so that each rule is quick to reach. */
    static final GatewaySettings SETTINGS = new GatewaySettings(5_000, 20, 100, 1_024, 1, 3, 50, 100, 2, 5, 2, 65_536,
            false, 5_000, 30_000);

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final AtomicLong behind = new AtomicLong();
    final List<String> written = new ArrayList<>();
    final List<Disconnect> disconnects = new ArrayList<>();
    final List<String> handled = new ArrayList<>();

    final ClientSession session = session();
    final FrameIntake intake = new FrameIntake(SETTINGS, Map.of(
            "hello", (s, f, id) -> {
                handled.add("hello");
                s.identity = new Identity(7, "academy", Role.STUDENT, Set.of());
            },
            "hb", (s, f, id) -> handled.add("hb"),
            "bad", (s, f, id) -> {
                throw new Frames.BadFrame("the room is missing");
            },
            "broken", (s, f, id) -> {
                throw new IllegalStateException("secret detail");
            },
            "slow", (s, f, id) -> clock.addAndGet(TimeUnit.SECONDS.toNanos(2))),
            (s, why) -> disconnects.add(why), clock::get, behind::get);

    private ClientSession session() {
        // every write completes at once, as on a fast network
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    written.add((String) args[0]);
                    ((SendHandler) args[1]).onResult(new SendResult());
                    return null;
                });
        Session socket = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getId") ? "s1" : null);
        return new ClientSession(socket, new SessionWriter(remote, 1_024, w -> { }, w -> { }),
                Budgets.Budget.ofConnection(SETTINGS.studentRate(), SETTINGS.studentBurst(), clock.get()), clock.get());
    }

    private JsonObject lastWritten() {
        return JSON.createReader(new StringReader(written.get(written.size() - 1))).readObject();
    }

    private void signIn() {
        intake.received(session, "{\"type\":\"hello\",\"id\":1}");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10)); // the budget refills
    }

    @Test
    void aFrameTooLargeIsRefusedOnceThenTheSocketIsClosed() {
        String large = "{\"type\":\"hb\",\"pad\":\"" + "x".repeat(200) + "\"}";
        intake.received(session, large);
        assertThat(lastWritten().getString("code")).isEqualTo("TOO_LARGE");
        assertThat(lastWritten().containsKey("id")).isFalse();
        assertThat(disconnects).isEmpty();

        intake.received(session, large);
        assertThat(disconnects).containsExactly(Disconnect.TOO_LARGE);
        assertThat(handled).isEmpty();
    }

    @Test
    void aFrameOfFewCharactersButManyBytesIsTooLarge() {
        // 40 characters, 120 bytes in UTF-8: over the 100-byte limit
        intake.received(session, "{\"type\":\"hb\",\"t\":\"" + "好".repeat(40) + "\"}");
        assertThat(lastWritten().getString("code")).isEqualTo("TOO_LARGE");
    }

    @Test
    void unreadableFramesAndBadIdsAreBadFrames() {
        intake.received(session, "not json");
        assertThat(lastWritten().getString("code")).isEqualTo("BAD_FRAME");
        intake.received(session, "{\"type\":\"hello\",\"id\":\"one\"}");
        assertThat(lastWritten().getString("code")).isEqualTo("BAD_FRAME");
        assertThat(lastWritten().getString("message")).isEqualTo("id must be an integer");
        assertThat(handled).isEmpty();
    }

    @Test
    void nothingButHelloBeforeHello() {
        intake.received(session, "{\"type\":\"hb\",\"id\":3}");
        assertThat(lastWritten().getString("code")).isEqualTo("UNAUTHORIZED");
        assertThat(lastWritten().getInt("id")).isEqualTo(3);
        assertThat(handled).isEmpty();

        signIn();
        intake.received(session, "{\"type\":\"hb\",\"id\":4}");
        assertThat(handled).containsExactly("hello", "hb");
    }

    @Test
    void anUnknownTypeIsABadFrameNamingItsId() {
        signIn();
        intake.received(session, "{\"type\":\"dance\",\"id\":5}");
        assertThat(lastWritten().getString("code")).isEqualTo("BAD_FRAME");
        assertThat(lastWritten().getInt("id")).isEqualTo(5);
    }

    @Test
    void aHandlersRefusalIsABadFrameAndItsFaultIsInternalWithoutDetail() {
        signIn();
        intake.received(session, "{\"type\":\"bad\",\"id\":6}");
        assertThat(lastWritten().getString("code")).isEqualTo("BAD_FRAME");
        assertThat(lastWritten().getString("message")).isEqualTo("the room is missing");

        intake.received(session, "{\"type\":\"broken\",\"id\":7}");
        assertThat(lastWritten().getString("code")).isEqualTo("INTERNAL");
        assertThat(lastWritten().getInt("id")).isEqualTo(7);
        assertThat(written.get(written.size() - 1)).doesNotContain("secret");
    }

    @Test
    void pastTheBudgetFramesAreRateLimitedThenTheClientIsFlooding() {
        // a burst of 3 at 1 a second, and 2 refusals in a row allowed
        for (int i = 0; i < 3; i++) {
            intake.received(session, "{\"type\":\"hello\",\"id\":" + i + "}");
        }
        intake.received(session, "{\"type\":\"hb\",\"id\":10}");
        assertThat(lastWritten().getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(lastWritten().getInt("id")).isEqualTo(10);
        assertThat(lastWritten().getJsonNumber("retryAfterMs").longValue()).isBetween(1L, 1_000L);
        intake.received(session, "{\"type\":\"hb\",\"id\":11}");
        assertThat(disconnects).isEmpty();
        intake.received(session, "{\"type\":\"hb\",\"id\":12}");
        assertThat(disconnects).containsExactly(Disconnect.FLOODING);
    }

    @Test
    void aBacklogReadAtOnceAfterTheNodeRanBehindIsRefusedButNotCalledFlooding() {
        // the budget refills its burst in 3 s (3 at 1 a second): a stall that long can pile up a burst
        behind.set(TimeUnit.SECONDS.toNanos(3));
        for (int i = 0; i < 10; i++) {
            intake.received(session, "{\"type\":\"hb\",\"id\":" + i + "}");
        }
        assertThat(lastWritten().getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(disconnects).isEmpty();

        // a shorter stall cannot have made a client within its budget look like this
        behind.set(TimeUnit.SECONDS.toNanos(3) - 1);
        intake.received(session, "{\"type\":\"hb\",\"id\":10}");
        assertThat(disconnects).containsExactly(Disconnect.FLOODING);
    }

    @Test
    void aClientThatWaitsOnUsBacksOffAndIsServedAgain() {
        for (int i = 0; i < 4; i++) {
            intake.received(session, "{\"type\":\"hello\",\"id\":" + i + "}");
        }
        assertThat(lastWritten().getString("code")).isEqualTo("RATE_LIMITED");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        intake.received(session, "{\"type\":\"hb\",\"id\":20}");
        assertThat(handled).hasSize(4);
        assertThat(disconnects).isEmpty();
    }

    @Test
    void aFrameHandledForLongCountsAsAHeartbeat() {
        signIn();
        long before = session.lastHeartbeat;
        intake.received(session, "{\"type\":\"slow\",\"id\":8}");
        assertThat(session.lastHeartbeat).isEqualTo(clock.get()).isGreaterThan(before);
        assertThat(session.handlingSince).isZero();
    }
}
