package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * Presence digests by audience. The test server counts rooms of more than four as large and
 * gives their students a bare count at most every 3 s.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PresenceIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void inALargeRoomStudentsGetTheCountAloneAndSeldomWhileStaffGetNames() throws Exception {
        URI node = base.toURI();
        KetangHttp.awaitReady(node);
        String service = KetangHttp.serviceToken(node, "campus");
        assertThat(KetangHttp.postJson(node, "/api/v1/rooms", "{\"room\":\"pr-1\",\"title\":\"T\",\"teacherUin\":1}", service)
                .status()).isEqualTo(201);
        assertThat(KetangHttp.postJson(node, "/api/v1/rooms/pr-1/open", "", service).status()).isEqualTo(200);

        List<KetangClient> clients = new ArrayList<>();
        try {
            KetangClient watcher = enter(node, 501, "student", clients);
            KetangClient teacher = enter(node, 1, "teacher", clients);

            // a small room: the student hears who came
            JsonObject small = watcher.next(f -> isPresence(f) && f.getInt("count") == 2);
            assertThat(small.getJsonArray("joined").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getJsonNumber("uin").longValue()).contains(1L);

            // the room grows past four: a bare count for the student, names for the teacher
            for (long uin = 502; uin <= 505; uin++) {
                enter(node, uin, "student", clients);
            }
            JsonObject first = watcher.next(f -> isPresence(f) && f.getInt("count") > 4, Duration.ofSeconds(15));
            assertThat(first.containsKey("joined")).isFalse();
            assertThat(first.containsKey("left")).isFalse();

            for (long uin = 506; uin <= 508; uin++) {
                enter(node, uin, "student", clients);
            }
            JsonObject staff = teacher.next(f -> isPresence(f) && f.getInt("count") == 9, Duration.ofSeconds(15));
            assertThat(staff.getJsonArray("joined").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getJsonNumber("uin").longValue()).contains(508L);

            // the exact count reaches the student too, once its interval has passed, with no
            // count-only frame in between closer than the interval
            long lastAt = watcher.arrivedAt(first);
            JsonObject frame = first;
            while (frame.getInt("count") != 9) {
                frame = watcher.next(PresenceIT::isPresence, Duration.ofSeconds(15));
                assertThat(frame.containsKey("joined")).isFalse();
                long at = watcher.arrivedAt(frame);
                assertThat(Duration.ofNanos(at - lastAt)).isGreaterThan(Duration.ofMillis(2500));
                lastAt = at;
            }
        } finally {
            clients.forEach(KetangClient::close);
        }
    }

    private static boolean isPresence(JsonObject frame) {
        return "presence".equals(frame.getString("type"));
    }

    private static KetangClient enter(URI node, long uin, String role, List<KetangClient> clients) {
        KetangClient client = KetangClient.inRoom(node, KetangHttp.devToken(node, uin, "campus", role), "web", "pr-1");
        clients.add(client);
        return client;
    }
}
