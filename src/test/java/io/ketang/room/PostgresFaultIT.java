package io.ketang.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * PostgreSQL stopped while a class is on: students go on joining the class (its room as last
 * read), a room that was never read cannot be checked (UNAVAILABLE, not "no such room"), creating
 * a room answers 503, and each answer comes within the configured timeouts; when the database is
 * back everything works again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PostgresFaultIT {

    private static final Logger LOG = Logger.getLogger(PostgresFaultIT.class.getName());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void withPostgresStoppedAKnownClassGoesOnJoiningAndRoomCreationIs503() throws Exception {
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        KetangHttp.liveRoom(app, "academy", "pgdown-1");
        String service = KetangHttp.serviceToken(app, "academy");
        StackService postgres = LocalStackSession.stack().postgres();
        try (KetangClient first = KetangClient.inRoom(app, KetangHttp.devToken(app, 7201, "academy", "student"), "app", "pgdown-1")) {
            postgres.stop();
            try {
                // the node knows the database is gone (its readiness check has failed)
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(KetangHttp.get(app, "/health/ready").status()).isEqualTo(503));

                long started = System.nanoTime();
                KetangHttp.Reply created = KetangHttp.postJson(app, "/api/v1/rooms",
                        "{\"room\":\"pgdown-2\",\"title\":\"t\",\"teacherUin\":1}", service);
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertThat(created.status()).as(created.body()).isEqualTo(503);
                LOG.info(() -> "room creation with PostgreSQL stopped: 503 after " + tookMs + " ms");

                try (KetangClient second = KetangClient.inRoom(app, KetangHttp.devToken(app, 7202, "academy", "student"), "app", "pgdown-1")) {
                    assertThat(second.closed()).isFalse();
                }
                try (KetangClient stranger = KetangClient.connect(app)) {
                    stranger.hello(KetangHttp.devToken(app, 7203, "academy", "student"), "web");
                    long asked = System.nanoTime();
                    stranger.send("{\"type\":\"join\",\"id\":5,\"room\":\"pgdown-never-read\"}");
                    // the database is tried first: the answer waits for its connection timeouts
                    JsonObject refused = stranger.next(f -> f.containsKey("id") && f.getInt("id") == 5, Duration.ofSeconds(40));
                    assertThat(refused.getString("code")).isEqualTo("UNAVAILABLE");
                    long waitedMs = (System.nanoTime() - asked) / 1_000_000;
                    LOG.info(() -> "a join of a room never read, PostgreSQL stopped: UNAVAILABLE after " + waitedMs + " ms");
                }
                assertThat(first.closed()).as("the class went on").isFalse();
            } finally {
                try {
                    postgres.start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            KetangHttp.awaitReady(app);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(KetangHttp.postJson(app, "/api/v1/rooms",
                    "{\"room\":\"pgdown-2\",\"title\":\"t\",\"teacherUin\":1}", service).status()).isIn(201, 409));
        }
    }
}
