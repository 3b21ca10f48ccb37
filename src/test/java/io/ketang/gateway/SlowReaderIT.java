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
}
