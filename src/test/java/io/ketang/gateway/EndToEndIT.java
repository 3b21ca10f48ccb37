package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Set;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.testing.ExitWatch;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * The backbone, proven on the real WAR in Liberty against the real local stack: what one client
 * sends to a room goes through the push topic in Kafka and comes back out to everyone in the room.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EndToEndIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @org.junit.jupiter.api.BeforeEach
    void ready() throws Exception {
        KetangHttp.awaitReady(base.toURI());
    }

    @Test
    void whatATeacherSendsEveryoneInTheRoomReceivesThroughKafka() throws Exception {
        URI app = base.toURI();
        KetangHttp.liveRoom(app, "school", "math-101");
        KetangHttp.liveRoom(app, "school", "art-202");
        try (KetangClient teacher = KetangClient.connect(app);
             KetangClient student = KetangClient.connect(app);
             KetangClient elsewhere = KetangClient.connect(app)) {
            JsonObject welcome = teacher.hello(KetangHttp.devToken(app, 1001, "school", "teacher"), "pc");
            assertThat(welcome.getJsonNumber("uin").longValue()).isEqualTo(1001);
            assertThat(welcome.getString("role")).isEqualTo("teacher");
            student.hello(KetangHttp.devToken(app, 2001, "school", "student"), "app");
            elsewhere.hello(KetangHttp.devToken(app, 3001, "school", "student"), "web");

            teacher.send("{\"type\":\"join\",\"id\":1,\"room\":\"math-101\"}");
            teacher.next(f -> "joined".equals(f.getString("type")) && f.getInt("id") == 1);
            student.send("{\"type\":\"join\",\"id\":1,\"room\":\"math-101\"}");
            student.next(f -> "joined".equals(f.getString("type")));
            elsewhere.send("{\"type\":\"join\",\"id\":1,\"room\":\"art-202\"}");
            elsewhere.next(f -> "joined".equals(f.getString("type")));

            teacher.send("{\"type\":\"send\",\"id\":2,\"room\":\"math-101\",\"kind\":\"signal\",\"body\":{\"page\":7}}");
            // the sender is in the room too: its own msg may come before or after its `sent`
            boolean sent = false;
            boolean echoed = false;
            while (!sent || !echoed) {
                JsonObject f = teacher.next(x -> "sent".equals(x.getString("type")) || "msg".equals(x.getString("type")));
                sent |= "sent".equals(f.getString("type")) && f.getInt("id") == 2;
                echoed |= "msg".equals(f.getString("type")) && "signal".equals(f.getString("kind"));
            }

            JsonObject received = student.next(f -> "msg".equals(f.getString("type")));
            assertThat(received.getString("room")).isEqualTo("math-101");
            assertThat(received.getString("kind")).isEqualTo("signal");
            assertThat(received.getJsonObject("from").getJsonNumber("uin").longValue()).isEqualTo(1001);
            assertThat(received.getJsonObject("from").getString("role")).isEqualTo("teacher");
            assertThat(received.getJsonObject("body").getInt("page")).isEqualTo(7);

            // a client in another room gets nothing of it
            elsewhere.send("{\"type\":\"hb\"}");
            JsonObject next = elsewhere.next(f -> !"presence".equals(f.getString("type")) && !"state".equals(f.getString("type")));
            assertThat(next.getString("type")).as("nothing from math-101 reaches art-202").isEqualTo("hb");
        }
    }

    @Test
    void aForgedTokenIsClosedWith4401AndTheServerKeepsServing() throws Exception {
        URI app = base.toURI();
        String token = KetangHttp.devToken(app, 1002, "school", "student");
        String[] parts = token.split("\\.");
        // same header and payload, signature of another token: must not verify
        String other = KetangHttp.devToken(app, 1003, "school", "teacher").split("\\.")[2];
        String forged = parts[0] + "." + parts[1] + "." + other;
        try (KetangClient intruder = KetangClient.connect(app)) {
            intruder.send("{\"type\":\"hello\",\"token\":\"" + forged + "\",\"terminal\":\"web\"}");
            assertThat(intruder.closeCode(java.time.Duration.ofSeconds(10))).isEqualTo(4401);
        }
        try (KetangClient honest = KetangClient.connect(app)) {
            assertThat(honest.hello(token, "web").getString("type")).isEqualTo("welcome");
        }
    }

    @Test
    void sendingToARoomOneHasNotJoinedIsRefused() throws Exception {
        URI app = base.toURI();
        try (KetangClient student = KetangClient.connect(app)) {
            student.hello(KetangHttp.devToken(app, 1004, "school", "student"), "app");
            student.send("{\"type\":\"send\",\"id\":5,\"room\":\"history-1\",\"kind\":\"chat\",\"body\":{\"text\":\"hi\"}}");
            JsonObject error = student.next(f -> "error".equals(f.getString("type")));
            assertThat(error.getString("code")).isEqualTo("NOT_IN_ROOM");
            assertThat(error.getInt("id")).isEqualTo(5);
            student.send("not json");
            assertThat(student.next(f -> "error".equals(f.getString("type"))).getString("code")).isEqualTo("BAD_FRAME");
        }
    }

    @Test
    void aClientThatSaysByeGetsWhatWasQueuedThenTheServerClosesWith1000AndItsRoomHearsItLeft() throws Exception {
        URI app = base.toURI();
        KetangHttp.liveRoom(app, "school", "bye-1");
        try (ExitWatch exits = new ExitWatch(LocalStackSession.stack().kafkaBootstrap(), "school");
             KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 1005, "school", "teacher"), "pc", "bye-1");
             KetangClient student = KetangClient.inRoom(app, KetangHttp.devToken(app, 2005, "school", "student"), "app", "bye-1")) {
            // a question and the bye right behind it: the answer is written before the close
            student.send("{\"type\":\"members\",\"id\":7,\"room\":\"bye-1\",\"after\":0,\"limit\":10}");
            student.send("{\"type\":\"bye\"}");
            JsonObject members = student.next(f -> f.containsKey("id") && f.getInt("id") == 7);
            assertThat(members.getString("type")).isEqualTo("members");
            assertThat(student.closeCode(Duration.ofSeconds(10))).isEqualTo(1000);

            await().atMost(Duration.ofSeconds(30)).until(() -> !exits.reasons("bye-1", Set.of(2005L)).isEmpty());
            assertThat(exits.reasons("bye-1", Set.of(1005L, 2005L))).containsExactly(java.util.Map.entry(2005L, "closed"));
            // and the member list (a replica on each node, fed by the member log) follows
            java.util.concurrent.atomic.AtomicInteger ask = new java.util.concurrent.atomic.AtomicInteger(100);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                int id = ask.incrementAndGet();
                teacher.send("{\"type\":\"members\",\"id\":" + id + ",\"room\":\"bye-1\",\"after\":0,\"limit\":10}");
                return teacher.next(f -> f.containsKey("id") && f.getInt("id") == id).getInt("count") == 1;
            });
        }
    }
}
