package io.ketang.push;

import static io.ketang.testing.Important.last;
import static io.ketang.testing.Important.pull;
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
 * Kafka at production's shape (three brokers, three replicas, two in sync) losing a broker: an
 * important message acknowledged to its sender reaches every student who stays, by push or
 * pull, exactly once, and nobody is kicked. First any broker is killed (SIGKILL) mid-run and
 * restarted; then the leader of the room's push partition. A send made while the partition has
 * no leader may be refused (UNAVAILABLE, its seq voided): what the sender was told was sent is
 * what counts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KafkaBrokerFaultIT {

    private static final Logger LOG = Logger.getLogger(KafkaBrokerFaultIT.class.getName());
    private static final int STUDENTS = 12;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    /** Sends refused while a partition had no leader. */
    private int refused;
    private int nextId = 200_000;

    @Test
    void importantMessagesSurviveABrokerKilledAndThenTheRoomsPartitionLeaderKilled() throws Exception {
        LocalStack stack = LocalStackSession.stack();
        assumeTrue(stack.kafkaBrokers() >= 3, "needs the three-broker stack (ketang.local.kafka.brokers=3)");
        URI app = base.toURI();
        KetangHttp.awaitReady(app);
        String room = "kfault-1";
        KetangHttp.liveRoom(app, "academy", room);
        List<KetangClient> students = new ArrayList<>();
        try (KetangClient teacher = KetangClient.inRoom(app, KetangHttp.devToken(app, 7000, "academy", "teacher"), "pc", room)) {
            for (int i = 1; i <= STUDENTS; i++) {
                students.add(KetangClient.inRoom(app, KetangHttp.devToken(app, 7000 + i, "academy", "student"), "app", room));
            }
            List<List<Long>> held = new ArrayList<>();
            List<int[]> duplicates = new ArrayList<>();
            int[] pulled = new int[1];
            for (int i = 0; i < STUDENTS; i++) {
                held.add(new ArrayList<>());
                duplicates.add(new int[1]);
            }
            long sentUpTo = send(teacher, room, 20);

            // any broker: the one with the highest id, whatever it leads
            StackService broker = stack.kafkaBroker(3);
            broker.kill();
            LOG.info("Kafka broker 3 killed");
            sentUpTo = Math.max(sentUpTo, send(teacher, room, 20));
            StackFaults.restartBroker(broker, stack);

            // the leader of the room's own partition: its writes must move to another replica
            int leader = StackFaults.leaderOfRoomPartition(stack, "academy/" + room);
            StackService leading = stack.kafkaBroker(leader);
            leading.kill();
            LOG.info(() -> "Kafka broker " + leader + " (leader of the room's push partition) killed");
            sentUpTo = Math.max(sentUpTo, send(teacher, room, 20));
            StackFaults.restartBroker(leading, stack);
            sentUpTo = Math.max(sentUpTo, send(teacher, room, 5));

            assertThat(sentUpTo - refused).as("sends acknowledged").isGreaterThanOrEqualTo(40);
            for (int i = 0; i < STUDENTS; i++) {
                KetangClient student = students.get(i);
                receiveCounting(student, room, held.get(i), duplicates.get(i), pulled, sentUpTo);
                assertThat(held.get(i)).as("student %d holds every seq", i + 1).isEqualTo(range(1, sentUpTo));
                assertThat(duplicates.get(i)[0]).as("student %d got a seq pushed twice", i + 1).isZero();
                assertThat(student.closed()).as("student %d was not kicked", i + 1).isFalse();
            }
            long heldUpTo = sentUpTo;
            LOG.info(() -> "after two broker kills: seqs 1.." + heldUpTo + " held by each of " + STUDENTS
                    + " students, " + refused + " sends refused while a partition had no leader, "
                    + pulled[0] + " seqs pulled rather than pushed (all students)");
        } finally {
            students.forEach(KetangClient::close);
        }
    }

    /**
     * Sends n signals one at a time, as a teacher's client does (each waits for its answer), and
     * returns the highest seq acknowledged; refusals (UNAVAILABLE while a partition fails over) are counted.
     */
    private long send(KetangClient teacher, String room, int n) {
        long highest = 0;
        for (int i = 0; i < n; i++) {
            int id = nextId++;
            JsonObject reply = sendAndAwait(teacher, room, id, Duration.ofSeconds(60));
            if ("sent".equals(reply.getString("type"))) {
                highest = reply.getJsonNumber("seq").longValue();
            } else {
                assertThat(reply.getString("code")).as("a send during a failover").isEqualTo("UNAVAILABLE");
                refused++;
            }
        }
        return highest;
    }

    /**
     * Reads pushes until the student holds every seq up to {@code upTo}, pulling gaps (voided
     * seqs included) as a client does: when a later seq comes, or when nothing comes for 5 s
     * while the head it learns from an ack (here: the teacher's last acknowledged seq) is ahead.
     * A seq pushed again after it was held is counted; so are the seqs that had to be pulled.
     */
    private static void receiveCounting(KetangClient student, String room, List<Long> held, int[] duplicates,
                                        int[] pulled, long upTo) {
        while (last(held) < upTo) {
            JsonObject msg;
            try {
                msg = student.next(f -> "msg".equals(f.getString("type")) && room.equals(f.getString("room")),
                        Duration.ofSeconds(5));
            } catch (AssertionError quiet) {
                int before = held.size();
                pull(student, room, held, upTo);
                pulled[0] += held.size() - before;
                continue;
            }
            long seq = msg.getJsonNumber("seq").longValue();
            if (held.contains(seq)) {
                duplicates[0]++;
                continue;
            }
            if (seq < last(held)) {
                continue; // pulled before its push came
            }
            if (seq > last(held) + 1) {
                int before = held.size();
                pull(student, room, held, seq - 1);
                pulled[0] += held.size() - before;
            }
            held.add(seq);
        }
    }
}
