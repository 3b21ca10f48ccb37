package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * A client that stops reading (a phone on a dead network) must not hold up anyone: once its
 * socket buffers are full, the write to it stays stuck (a blocking write holds its thread, an
 * asynchronous one lets its bounded queue overflow), it is cut off (4008, or mid-frame) and
 * released, and the rest of the room keeps receiving every message in order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SlowReaderIT {

    /** Enough 12 KB messages to fill the kernel's socket buffers and the test server's 256-frame queue. */
    static final int MESSAGES = 1500;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void aStalledReaderIsCutOffWhileTheOthersReceiveEverything() throws Exception {
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        KetangHttp.liveRoom(app, "school", "stall-1");
        String pad = "x".repeat(12_000);
        try (KetangClient teacher = KetangClient.connect(app);
             KetangClient healthy = KetangClient.connect(app);
             KetangClient stalled = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 8001, "school", "teacher"), "pc");
            healthy.hello(KetangHttp.devToken(app, 8002, "school", "student"), "app");
            stalled.hello(KetangHttp.devToken(app, 8003, "school", "student"), "app");
            teacher.join("stall-1", 1);
            healthy.join("stall-1", 1);
            stalled.join("stall-1", 1);
            stalled.stall();

            // in rounds of 100: the healthy student gets every message, in order, round after round,
            // while the stalled one backs up
            for (int round = 0; round < MESSAGES / 100; round++) {
                for (int i = round * 100 + 1; i <= (round + 1) * 100; i++) {
                    teacher.send("{\"type\":\"send\",\"id\":" + (1000 + i) + ",\"room\":\"stall-1\",\"kind\":\"signal\","
                            + "\"body\":{\"n\":" + i + ",\"pad\":\"" + pad + "\"}}");
                }
                for (int i = round * 100 + 1; i <= (round + 1) * 100; i++) {
                    JsonObject msg = healthy.next(f -> "msg".equals(f.getString("type")), Duration.ofSeconds(30));
                    assertThat(msg.getJsonObject("body").getInt("n")).isEqualTo(i);
                }
            }
            // the stalled one was cut off as too slow: once it reads again it finds the close (4008),
            // or, when the write that filled its buffers was cut off mid-frame, a broken connection
            stalled.resume();
            assertThat(stalled.ended(Duration.ofSeconds(30))).isIn("closed 4008", "failed: ProtocolException", "failed: IOException");

            // and the room goes on without it
            teacher.send("{\"type\":\"send\",\"id\":9999,\"room\":\"stall-1\",\"kind\":\"signal\",\"body\":{\"n\":0}}");
            assertThat(healthy.next(f -> "msg".equals(f.getString("type"))).getJsonObject("body").getInt("n")).isZero();
        }
    }

    /**
     * A client whose kernel takes everything written (a fast link's megabytes of buffers) yet
     * whose app never acks is not reading: it is cut off (4008) once an important message has
     * waited the ack timeout, while a student who acks stays. On a node of its own with a 5 s ack
     * timeout (production's is 30 s; the other tests' server waits 10 minutes, as their client does
     * not ack).
     */
    @Test
    void aClientThatNeverAcksIsCutOffAndOneThatAcksStays() throws Exception {
        KetangHttp.awaitReady(base.toURI());
        KetangHttp.liveRoom(base.toURI(), "school", "stall-2");
        try (SecondNode node = SecondNode.start(java.util.Map.of("KETANG_GATEWAY_ACK_TIMEOUT_MS", "5000"))) {
            URI app = node.uri();
            neverAcking(app);
        }
    }

    private void neverAcking(URI app) throws Exception {
        try (KetangClient teacher = KetangClient.connect(app);
             KetangClient acking = KetangClient.connect(app);
             KetangClient silent = KetangClient.connect(app)) {
            teacher.hello(KetangHttp.devToken(app, 8011, "school", "teacher"), "pc");
            acking.hello(KetangHttp.devToken(app, 8012, "school", "student"), "app");
            silent.hello(KetangHttp.devToken(app, 8013, "school", "student"), "app");
            teacher.join("stall-2", 1);
            acking.join("stall-2", 1);
            silent.join("stall-2", 1);

            // the teacher sends twice a second; the acking student (and the teacher) ack all they get
            var pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            var sent = new java.util.concurrent.atomic.AtomicInteger();
            long firstSent = System.nanoTime();
            pace.scheduleAtFixedRate(() -> {
                int n = sent.incrementAndGet();
                teacher.send("{\"type\":\"send\",\"id\":" + (1000 + n) + ",\"room\":\"stall-2\",\"kind\":\"signal\",\"body\":{\"n\":" + n + "}}");
            }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                int expected = 1;
                while (!silent.closed()) {
                    JsonObject msg = acking.next(f -> "msg".equals(f.getString("type")), Duration.ofSeconds(10));
                    assertThat(msg.getJsonObject("body").getInt("n")).isEqualTo(expected++);
                    String ack = "{\"type\":\"ack\",\"room\":\"stall-2\",\"seq\":" + msg.getJsonNumber("seq").longValue() + "}";
                    acking.send(ack);
                    teacher.send(ack);
                    assertThat(System.nanoTime() - firstSent).as("the silent student still connected").isLessThan(Duration.ofSeconds(30).toNanos());
                }
            } finally {
                pace.shutdownNow();
            }
            long cutAfter = System.nanoTime() - firstSent;
            assertThat(silent.ended(Duration.ofSeconds(1))).isEqualTo("closed 4008");
            assertThat(cutAfter).as("not before the 5 s ack timeout").isGreaterThan(Duration.ofMillis(4_500).toNanos());
            assertThat(acking.closed()).isFalse();
            assertThat(teacher.closed()).isFalse();
        }
    }
}
