package io.ketang.push;

import static io.ketang.testing.Important.receive;
import static io.ketang.testing.Important.range;
import static io.ketang.testing.Important.sendAndAwait;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStack;
import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.StackFaults;

/**
 * Redis as a cluster of three masters losing the master that holds a room's seq and history
 * (SIGKILL, then restarted from its append-only file): sends made meanwhile are refused
 * (UNAVAILABLE) and take no seq; once it is back the room's seqs go on with no hole and no
 * duplicate, its history is whole, every student holds every acknowledged seq, nobody is kicked.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedisNodeFaultIT {

    private static final Logger LOG = Logger.getLogger(RedisNodeFaultIT.class.getName());
    private static final int STUDENTS = 6;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    private int nextId = 300_000;

    @Test
    void aRoomsSeqsGoOnWithNoHoleAfterItsRedisMasterIsKilledAndRestarted() throws Exception {
        LocalStack stack = LocalStackSession.stack();
        assumeTrue(stack.redisCluster(), "needs the Redis Cluster stack (ketang.local.redis.cluster=true)");
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        String room = "rfault-1";
        KetangHttp.liveRoom(app, "academy", room);
        List<KetangClient> students = new ArrayList<>();
        try (KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 7100, "academy", "teacher"), "pc", room)) {
            for (int i = 1; i <= STUDENTS; i++) {
                students.add(KetangClient.inRoom(app, KetangHttp.devToken(app, 7100 + i, "academy", "student"), "app", room));
            }
            assertThat(send(teacher, room, 10)).isEqualTo(range(1, 10));

            int node = StackFaults.redisNodeHolding(stack, "ketang:seq:{academy/" + room + "}");
            StackService master = stack.redisNode(node);
            master.kill();
            LOG.info(() -> "Redis master " + (node + 1) + " (the room's slot) killed");
            // a send while the room's slot has no master: refused, and it takes no seq
            JsonObject refused = sendAndAwait(teacher, room, nextId++, Duration.ofSeconds(30));
            assertThat(refused.getString("code")).isEqualTo("UNAVAILABLE");
            StackFaults.start(master);
            // the next acknowledged send takes 11: no hole, no seq taken twice
            Awaitility.await("the room's sends acknowledged again").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> !send(teacher, room, 1).isEmpty());
            List<Long> after = send(teacher, room, 9);
            assertThat(after).hasSize(9);
            long last = after.get(after.size() - 1);
            assertThat(last).as("seqs after the restart follow on").isEqualTo(20);

            for (KetangClient student : students) {
                assertThat(receive(student, room, new ArrayList<>(), last)).isEqualTo(range(1, last));
                student.send("{\"type\":\"pull\",\"id\":5,\"room\":\"" + room + "\",\"after\":0,\"limit\":100}");
                assertThat(student.next(f -> "pulled".equals(f.getString("type"))).getJsonArray("msgs"))
                        .as("the history survived the restart").hasSize((int) last);
                assertThat(student.closed()).as("no student was kicked").isFalse();
            }
        } finally {
            students.forEach(KetangClient::close);
        }
    }

    /** Sends n signals one at a time and returns the seqs acknowledged (a refusal ends the run early). */
    private List<Long> send(KetangClient teacher, String room, int n) {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = nextId++;
            JsonObject reply = sendAndAwait(teacher, room, id, Duration.ofSeconds(30));
            if (!"sent".equals(reply.getString("type"))) {
                assertThat(reply.getString("code")).isEqualTo("UNAVAILABLE");
                break;
            }
            seqs.add(reply.getJsonNumber("seq").longValue());
        }
        return seqs;
    }
}
