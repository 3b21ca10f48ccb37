package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.localstack.LocalStackSession;
import io.ketang.testing.ExitWatch;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * One session per user per terminal, across nodes: a newer login on the same terminal closes the
 * older one with 4409 wherever it is, other terminals stay, and the session registry in Redis
 * follows. A node that shuts down closes its sockets with 4503. A newer login that does not join
 * the older session's room again takes the user out of it after a heartbeat timeout.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReplacementIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    @Test
    void aNewerLoginOnTheSameTerminalReplacesTheOlderOneOnAnyNode() throws Exception {
        URI nodeA = base.toURI();
        KetangHttp.awaitReady(nodeA);
        String token = KetangHttp.devToken(nodeA, 7001, "school", "student");
        KetangHttp.liveRoom(nodeA, "school", "repl-1");
        String service = KetangHttp.serviceToken(nodeA, "school");
        try (SecondNode second = SecondNode.start();
             UnifiedJedis redis = LocalStackSession.stack().redisClient();
             ExitWatch exits = new ExitWatch(LocalStackSession.stack().kafkaBootstrap(), "school")) {
            URI nodeB = second.uri();
            try (KetangClient appOnA = KetangClient.connect(nodeA); KetangClient webOnA = KetangClient.connect(nodeA)) {
                String nodeAId = appOnA.hello(token, "app").getString("node");
                assertThat(appOnA.join("repl-1", 1).getString("type")).isEqualTo("joined");
                webOnA.hello(token, "web");
                assertThat(redis.get("ketang:sess:{school:7001}:app")).startsWith(nodeAId + "|");

                try (KetangClient appOnB = KetangClient.connect(nodeB)) {
                    String nodeBId = appOnB.hello(token, "app").getString("node");
                    assertThat(nodeBId).isNotEqualTo(nodeAId);
                    assertThat(appOnB.join("repl-1", 1).getString("type")).isEqualTo("joined");

                    // across nodes: the older app session on A is closed as replaced
                    assertThat(appOnA.closeCode(Duration.ofSeconds(10))).isEqualTo(4409);
                    assertThat(redis.get("ketang:sess:{school:7001}:app")).startsWith(nodeBId + "|");

                    // the user moved rather than left: still in the room on both nodes, and no exit notice
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                        assertThat(exits.of("repl-1")).isEmpty();
                        for (URI node : List.of(nodeA, nodeB)) {
                            assertThat(KetangHttp.get(node, "/api/v1/rooms/repl-1/counts", service).json().getInt("total")).isEqualTo(1);
                        }
                    });

                    // the web session is another terminal: it stays
                    webOnA.send("{\"type\":\"hb\"}");
                    assertThat(webOnA.next(f -> true).getString("type")).isEqualTo("hb");

                    // on one node too: a third app login on B replaces the second
                    try (KetangClient againOnB = KetangClient.connect(nodeB)) {
                        againOnB.hello(token, "app");
                        assertThat(appOnB.closeCode(Duration.ofSeconds(10))).isEqualTo(4409);
                    }
                }
            }
            // every session closed: the registry lets go of the user
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(redis.exists("ketang:sess:{school:7001}:app")).isFalse();
                assertThat(redis.exists("ketang:sess:{school:7001}:web")).isFalse();
            });

            // graceful drain: a node told to stop (SIGTERM) tells its clients to go elsewhere, and
            // hands them over as a node that dies would: one who comes back to another node and
            // joins again never left the room
            KetangHttp.liveRoom(nodeA, "school", "repl-3");
            String student = KetangHttp.devToken(nodeA, 7002, "school", "student");
            try (KetangClient onB = KetangClient.connect(nodeB)) {
                onB.hello(student, "pc");
                assertThat(onB.join("repl-3", 1).getString("type")).isEqualTo("joined");
                second.terminate();
                assertThat(onB.closeCode(Duration.ofSeconds(30))).isEqualTo(4503);
            }
            try (KetangClient backOnA = KetangClient.connect(nodeA)) {
                backOnA.hello(student, "pc");
                assertThat(backOnA.join("repl-3", 2).getString("type")).isEqualTo("joined");
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(exits.of("repl-3")).isEmpty();
                    assertThat(KetangHttp.get(nodeA, "/api/v1/rooms/repl-3/counts", service).json().getInt("total")).isEqualTo(1);
                });
            }
        }
    }

    @Test
    void aNewerLoginThatDoesNotJoinAgainTakesTheOlderSessionsSeatOutOfTheRoomAfterATimeout() throws Exception {
        URI node = base.toURI();
        KetangHttp.awaitReady(node);
        String token = KetangHttp.devToken(node, 7003, "school", "student");
        KetangHttp.liveRoom(node, "school", "repl-2");
        String service = KetangHttp.serviceToken(node, "school");
        try (ExitWatch exits = new ExitWatch(LocalStackSession.stack().kafkaBootstrap(), "school");
             KetangClient first = KetangClient.connect(node)) {
            first.hello(token, "app");
            assertThat(first.join("repl-2", 1).getString("type")).isEqualTo("joined");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(KetangHttp.get(node, "/api/v1/rooms/repl-2/counts", service).json().getInt("total")).isEqualTo(1));

            // the same terminal logs in again on the same node, heartbeats, and never joins the room
            try (KetangClient second = KetangClient.connect(node)) {
                second.hello(token, "app");
                assertThat(first.closeCode(Duration.ofSeconds(10))).isEqualTo(4409);

                // connected, but no session of theirs is in the room: they leave it once the
                // newer session has had a heartbeat timeout (6 s here) to join again
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(KetangHttp.get(node, "/api/v1/rooms/repl-2/counts", service).json().getInt("total")).isZero();
                    assertThat(exits.reasons("repl-2", java.util.Set.of(7003L))).containsEntry(7003L, "timeout");
                });
                assertThat(exits.of("repl-2")).hasSize(1);
                assertThat(second.closed()).isFalse();
            }
        }
    }
}
