package io.ketang.push;

import static org.assertj.core.api.Assertions.assertThat;
import static io.ketang.testing.Important.range;
import static io.ketang.testing.Important.receive;
import static io.ketang.testing.Important.recover;
import static io.ketang.testing.Important.signals;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * Important messages in order and never lost: seq 1, 2, 3 ... for everyone, a reconnecting client
 * recovers what it missed from the history, one away too long is told it did not; Redis away means
 * UNAVAILABLE, never a half-sent message; chat under a flood is merged and honestly sampled.
 * (The test server keeps the last 200 important messages per room and merges at most 5 items per
 * batch.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PushIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;

    @BeforeEach
    void setUp() throws Exception {
        app = base.toURI();
        KetangHttp.awaitReady(app);
    }

    private KetangClient enter(long uin, String role, String room) {
        return KetangClient.inRoom(app, KetangHttp.devToken(app, uin, "academy", role), uin % 2 == 0 ? "app" : "web", room);
    }

    @Test
    void everyStudentEndsWithEverySeqOnceInOrderThroughPushPullAndRecovery() {
        KetangHttp.liveRoom(app, "academy", "seq-1");
        try (KetangClient teacher = enter(1, "teacher", "seq-1"); KetangClient steady = enter(2, "student", "seq-1")) {
            KetangClient flaky = enter(3, "student", "seq-1");
            assertThat(signals(teacher, "seq-1", 1, 100)).isEqualTo(range(1, 100));
            List<Long> flakyHeld = receive(flaky, "seq-1", new ArrayList<>(), 100);
            flaky.close();

            // the phone is away while 150 more go out
            assertThat(signals(teacher, "seq-1", 101, 150)).isEqualTo(range(101, 250));

            try (KetangClient back = KetangClient.connect(app)) {
                back.hello(KetangHttp.devToken(app, 3, "academy", "student"), "web");
                back.send("{\"type\":\"join\",\"id\":2,\"room\":\"seq-1\",\"since\":{\"seq\":100}}");
                JsonObject joined = back.next(f -> "joined".equals(f.getString("type")));
                assertThat(joined.getBoolean("recovered")).isTrue();
                assertThat(joined.getJsonNumber("ackEveryMs").longValue()).isEqualTo(1_000);
                assertThat(joined.getJsonNumber("seq").longValue()).isEqualTo(250);
                recover(joined, flakyHeld);

                assertThat(signals(teacher, "seq-1", 251, 50)).isEqualTo(range(251, 300));
                receive(back, "seq-1", flakyHeld, 300);
                assertThat(flakyHeld).isEqualTo(range(1, 300));
            }
            assertThat(receive(steady, "seq-1", new ArrayList<>(), 300)).isEqualTo(range(1, 300));

            // ack tells the head: a client that holds 300 has missed nothing
            steady.send("{\"type\":\"ack\",\"room\":\"seq-1\",\"seq\":300}");
            JsonObject ack = steady.next(f -> "ack".equals(f.getString("type")));
            assertThat(ack.getJsonNumber("head").longValue()).isEqualTo(300);
            // and the pace to ack at: a class of three acks every second, as told at the join
            assertThat(ack.getJsonNumber("ackEveryMs").longValue()).isEqualTo(1_000);
        }
    }

    @Test
    void aClientAwayLongerThanTheHistoryIsToldItDidNotRecover() {
        KetangHttp.liveRoom(app, "academy", "seq-2");
        try (KetangClient teacher = enter(11, "teacher", "seq-2")) {
            signals(teacher, "seq-2", 1, 10);
            // 300 more: the room keeps the last 200, so 11..110 are gone
            signals(teacher, "seq-2", 11, 300);
            try (KetangClient back = KetangClient.connect(app)) {
                back.hello(KetangHttp.devToken(app, 12, "academy", "student"), "app");
                back.send("{\"type\":\"join\",\"id\":2,\"room\":\"seq-2\",\"since\":{\"seq\":10}}");
                JsonObject joined = back.next(f -> "joined".equals(f.getString("type")));
                assertThat(joined.getBoolean("recovered")).isFalse();
                back.send("{\"type\":\"pull\",\"id\":3,\"room\":\"seq-2\",\"after\":10,\"limit\":50}");
                JsonObject pulled = back.next(f -> "pulled".equals(f.getString("type")));
                assertThat(pulled.getBoolean("recovered")).isFalse();
                assertThat(pulled.getJsonArray("msgs").getJsonObject(0).getJsonNumber("seq").longValue()).isEqualTo(111);
                // within the history, recovery is complete
                back.send("{\"type\":\"pull\",\"id\":4,\"room\":\"seq-2\",\"after\":250,\"limit\":500}");
                JsonObject recent = back.next(f -> "pulled".equals(f.getString("type")) && f.getInt("id") == 4);
                assertThat(recent.getBoolean("recovered")).isTrue();
                assertThat(recent.getJsonArray("msgs")).hasSize(60);
                assertThat(recent.getBoolean("more")).isFalse();
            }
        }
    }

    @Test
    void withRedisAwayAnImportantSendIsUnavailableAndNothingAcknowledgedIsLost() {
        KetangHttp.liveRoom(app, "academy", "seq-3");
        try (KetangClient teacher = enter(21, "teacher", "seq-3"); KetangClient student = enter(22, "student", "seq-3")) {
            assertThat(signals(teacher, "seq-3", 1, 5)).isEqualTo(range(1, 5));
            var redis = LocalStackSession.stack().redis();
            redis.stop();
            try {
                teacher.send("{\"type\":\"send\",\"id\":9,\"room\":\"seq-3\",\"kind\":\"signal\",\"body\":{}}");
                JsonObject refused = teacher.next(f -> f.containsKey("id") && f.getInt("id") == 9);
                assertThat(refused.getString("type")).isEqualTo("error");
                assertThat(refused.getString("code")).isEqualTo("UNAVAILABLE");
                // sessions stay up while Redis is away
                assertThat(student.closed()).isFalse();
            } finally {
                startAgain(redis);
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(signals(teacher, "seq-3", 6, 1)).containsExactly(6L));
            // seq 6 follows 5: the refused send left no hole, and 1..5 are still in the history
            assertThat(receive(student, "seq-3", new ArrayList<>(), 6)).isEqualTo(range(1, 6));
            student.send("{\"type\":\"pull\",\"id\":5,\"room\":\"seq-3\",\"after\":0,\"limit\":10}");
            assertThat(student.next(f -> "pulled".equals(f.getString("type"))).getJsonArray("msgs")).hasSize(6);
        }
    }

    private static void startAgain(io.ketang.localstack.StackService redis) {
        try {
            redis.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aChatFloodIsMergedAndSampledWithHonestCountsWhileImportantMessagesFlow() {
        KetangHttp.liveRoom(app, "academy", "chat-1");
        List<KetangClient> students = new ArrayList<>();
        try (KetangClient teacher = enter(31, "teacher", "chat-1")) {
            for (long uin = 32; uin < 38; uin++) {
                students.add(enter(uin, "student", "chat-1"));
            }
            // 6 students x 5 chats: within each one's chat burst and the room's limit
            for (int round = 0; round < 5; round++) {
                for (KetangClient s : students) {
                    s.send("{\"type\":\"send\",\"room\":\"chat-1\",\"kind\":\"chat\",\"body\":{\"text\":\"hi " + round + "\"}}");
                }
            }
            teacher.send("{\"type\":\"send\",\"id\":7,\"room\":\"chat-1\",\"kind\":\"signal\",\"body\":{\"page\":1}}");

            long items = 0;
            long dropped = 0;
            boolean signalled = false;
            while (items + dropped < 30 || !signalled) {
                JsonObject frame = teacher.next(f -> "batch".equals(f.getString("type")) || "msg".equals(f.getString("type")),
                        Duration.ofSeconds(10));
                if ("msg".equals(frame.getString("type"))) {
                    // the important message is not held back or merged by the flood
                    assertThat(frame.getString("kind")).isEqualTo("signal");
                    signalled = true;
                    continue;
                }
                assertThat(frame.getJsonArray("items").size()).isBetween(1, 5);
                items += frame.getJsonArray("items").size();
                dropped += frame.getJsonNumber("dropped").longValue();
            }
            assertThat(items + dropped).as("every chat is either delivered or counted as dropped").isEqualTo(30);
            assertThat(dropped).as("a flood past the batch size is sampled").isPositive();
        } finally {
            students.forEach(KetangClient::close);
        }
    }
}
