package io.ketang.membership;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;
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
import io.ketang.testing.ExitWatch;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * Member lists across two nodes: every node holds every list, counts and pages agree, a node that
 * dies has its users removed after the timeout (with exit notices) except those who came back, and
 * a restarted node returns with the same lists from its snapshot plus the rest of the topic.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MembersAcrossNodesIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI nodeA;
    String service;

    @BeforeEach
    void setUp() throws Exception {
        nodeA = base.toURI();
        KetangHttp.awaitReady(nodeA);
        service = KetangHttp.serviceToken(nodeA, "campus");
    }

    private void room(String room, int groupSize) {
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/rooms", "{\"room\":\"" + room + "\",\"title\":\"T\",\"teacherUin\":1,"
                + "\"groupSize\":" + groupSize + "}", service).status()).isEqualTo(201);
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/rooms/" + room + "/open", "", service).status()).isEqualTo(200);
    }

    private KetangClient enter(URI node, long uin, String role, String terminal, String room) {
        return KetangClient.inRoom(node, KetangHttp.devToken(nodeA, uin, "campus", role), terminal, room);
    }

    private JsonObject counts(URI node, String room) {
        return KetangHttp.get(node, "/api/v1/rooms/" + room + "/counts", service).json();
    }

    private List<Long> allStudents(URI node, String room, String terminalFilter) {
        List<Long> uins = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonObject page = KetangHttp.get(node, "/api/v1/rooms/" + room + "/members?role=student&limit=2&after=" + after
                    + (terminalFilter == null ? "" : "&terminal=" + terminalFilter), service).json();
            page.getJsonArray("members").getValuesAs(JsonObject.class).forEach(m -> uins.add(m.getJsonNumber("uin").longValue()));
            if (!page.containsKey("next") || page.isNull("next")) {
                return uins;
            }
            after = page.getJsonNumber("next").longValue();
        }
    }

    @Test
    void membersJoinedOnEitherNodeAppearOnBothWithExactCountsAndPages() throws Exception {
        room("mx-1", 3);
        List<KetangClient> clients = new ArrayList<>();
        try (SecondNode second = SecondNode.start()) {
            URI nodeB = second.uri();
            clients.add(enter(nodeA, 1, "teacher", "pc", "mx-1"));
            for (long uin = 101; uin <= 104; uin++) {
                clients.add(enter(nodeA, uin, "student", "app", "mx-1"));
            }
            for (long uin = 201; uin <= 205; uin++) {
                clients.add(enter(nodeB, uin, "student", uin % 2 == 0 ? "web" : "app", "mx-1"));
            }
            for (URI node : List.of(nodeA, nodeB)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonObject c = counts(node, "mx-1");
                    assertThat(c.getInt("total")).isEqualTo(10);
                    assertThat(c.getJsonObject("roles").getInt("student")).isEqualTo(9);
                    assertThat(c.getJsonObject("roles").getInt("teacher")).isEqualTo(1);
                    // nine students in groups of three, seated across both nodes without a clash
                    assertThat(c.getJsonObject("groups")).isEqualTo(JSON.createObjectBuilder()
                            .add("g1", 3).add("g2", 3).add("g3", 3).build());
                });
            }
            assertThat(allStudents(nodeA, "mx-1", null)).hasSize(9).isEqualTo(allStudents(nodeB, "mx-1", null));
            assertThat(allStudents(nodeA, "mx-1", "web")).containsExactly(202L, 204L).isEqualTo(allStudents(nodeB, "mx-1", "web"));

            // the teacher heard of everyone through merged presence digests, the last with the full count
            KetangClient teacher = clients.get(0);
            JsonObject presence = teacher.next(f -> "presence".equals(f.getString("type")) && f.getInt("count") == 10,
                    Duration.ofSeconds(20));
            assertThat(presence.getString("room")).isEqualTo("mx-1");

            // the members frame tells a client the same
            teacher.send("{\"type\":\"members\",\"id\":5,\"room\":\"mx-1\",\"role\":\"student\",\"terminal\":\"web\",\"limit\":10}");
            JsonObject frame = teacher.next(f -> "members".equals(f.getString("type")));
            assertThat(frame.getInt("count")).isEqualTo(10);
            assertThat(frame.getJsonArray("members").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getJsonNumber("uin").longValue()).containsExactly(202L, 204L);

            // a leave on B is seen on A
            clients.remove(clients.size() - 1).close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(counts(nodeA, "mx-1").getInt("total")).isEqualTo(9));
        } finally {
            clients.forEach(KetangClient::close);
        }
    }

    @Test
    void aKilledNodesUsersLeaveAfterTheTimeoutButOneWhoReconnectsNeverDoes() throws Exception {
        room("mx-2", 0);
        try (ExitWatch exits = new ExitWatch(LocalStackSession.stack().kafkaBootstrap(), "campus")) {
            SecondNode second = SecondNode.start();
            URI nodeB = second.uri();
            try (KetangClient teacher = enter(nodeA, 1, "teacher", "pc", "mx-2")) {
                KetangClient lost = enter(nodeB, 301, "student", "app", "mx-2");
                KetangClient moving = enter(nodeB, 302, "student", "app", "mx-2");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(counts(nodeA, "mx-2").getInt("total")).isEqualTo(3));

                second.kill();
                lost.stopHeartbeats();
                moving.stopHeartbeats();
                // 302's phone reconnects to the surviving node within the timeout
                try (KetangClient back = enter(nodeA, 302, "student", "app", "mx-2")) {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(exits.of("mx-2")).anySatisfy(e -> {
                            assertThat(e.getJsonNumber("uin").longValue()).isEqualTo(301);
                            assertThat(e.getString("room")).isEqualTo("mx-2");
                            assertThat(e.getString("reason")).isEqualTo("timeout");
                        });
                    });
                    // every heartbeat partition moves to the survivor: the group notices B's death
                    // after its session timeout, which may come after 301's own timeout on A
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            KetangHttp.get(nodeA, "/api/v1/node", service).json().getJsonArray("heartbeatPartitions"))
                            .hasSize(6));
                    // a full timeout after the takeover, 302 (heartbeating on A) is still there
                    await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(exits.of("mx-2")).noneSatisfy(e -> assertThat(e.getJsonNumber("uin").longValue()).isEqualTo(302)));
                    JsonObject c = counts(nodeA, "mx-2");
                    assertThat(c.getInt("total")).isEqualTo(2);
                    assertThat(allStudents(nodeA, "mx-2", null)).containsExactly(302L);
                }
                lost.close();
                moving.close();
            }
        }
    }

    @Test
    void aRestartedNodeComesBackWithTheSameListsFromItsSnapshot() throws Exception {
        room("mx-3", 0);
        List<KetangClient> clients = new ArrayList<>();
        try (SecondNode second = SecondNode.start()) {
            URI nodeB = second.uri();
            for (long uin = 401; uin <= 420; uin++) {
                clients.add(enter(nodeA, uin, "student", "web", "mx-3"));
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(counts(nodeB, "mx-3").getInt("total")).isEqualTo(20));
            second.stop();
            // while B is down, the room changes: B must replay this after its snapshot
            clients.remove(0).close();
            clients.add(enter(nodeA, 421, "assistant", "pc", "mx-3"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(counts(nodeA, "mx-3").getInt("total")).isEqualTo(20));

            second.restart();
            String replica = KetangHttp.get(nodeB, "/api/v1/node", service).json().getString("membersReplica");
            assertThat(replica).doesNotStartWith("0 from snapshot");
            JsonObject onB = counts(nodeB, "mx-3");
            assertThat(onB).isEqualTo(counts(nodeA, "mx-3"));
            assertThat(allStudents(nodeB, "mx-3", null)).isEqualTo(allStudents(nodeA, "mx-3", null)).doesNotContain(401L);
        } finally {
            clients.forEach(KetangClient::close);
        }
    }

    @Test
    void aRestHeartbeatPutsAMissingUserBackAndSilenceTakesThemOut() {
        room("mx-4", 0);
        String batch = "[{\"room\":\"mx-4\",\"uin\":501,\"terminal\":\"pc\",\"role\":\"student\"}]";
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/heartbeats", batch, service).status()).isEqualTo(202);
        // an access layer that is not WebSocket: its user appears from heartbeats alone
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(allStudents(nodeA, "mx-4", "pc")).containsExactly(501L));
        // and with no more heartbeats, and no session anywhere, the user times out
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(counts(nodeA, "mx-4").getInt("total")).isZero());
        // bad batches are refused
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/heartbeats", "[{\"room\":\"mx-4\",\"uin\":1,\"terminal\":\"tv\"}]", service)
                .status()).isEqualTo(400);
        assertThat(KetangHttp.postJson(nodeA, "/api/v1/heartbeats", batch, KetangHttp.devToken(nodeA, 5, "campus", "student"))
                .status()).isEqualTo(403);
    }
}
