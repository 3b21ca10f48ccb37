package io.ketang.push;

import static io.ketang.testing.Important.acknowledged;
import static io.ketang.testing.Important.last;
import static io.ketang.testing.Important.range;
import static io.ketang.testing.Important.receive;
import static io.ketang.testing.Important.recover;
import static io.ketang.testing.Important.sendSignals;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
 * A teacher sends 1,000 important messages while students on two nodes drop and come back at
 * random, and the second node is killed mid-send and later started again: every student ends
 * with seq 1..1,000, each once and in order, through push, resume with {@code since}, and pull.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrderUnderChurnIT {

    private static final String ROOM = "churn-1";
    private static final int TOTAL = 1_000;
    private static final int CHUNK = 25;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    /** One student: its connection (null while away), the node it uses, what it holds. */
    private static final class Student {
        final long uin;
        final List<Long> held = new ArrayList<>();
        KetangClient client;
        URI node;
        int awayChunks;
        int rejoins;

        Student(long uin) {
            this.uin = uin;
        }
    }

    private URI nodeA;
    private URI tokens;

    private void connect(Student s, URI node) {
        s.node = node;
        s.client = KetangClient.connect(node);
        s.client.hello(KetangHttp.devToken(tokens, s.uin, "academy", "student"), s.uin % 2 == 0 ? "app" : "pc");
        s.client.send("{\"type\":\"join\",\"id\":2,\"room\":\"" + ROOM + "\",\"since\":{\"seq\":" + last(s.held) + "}}");
        JsonObject joined = s.client.next(f -> f.containsKey("id") && f.getInt("id") == 2);
        assertThat(joined.getString("type")).isEqualTo("joined");
        assertThat(joined.getBoolean("recovered")).as("student %d back within the history", s.uin).isTrue();
        recover(joined, s.held);
        s.rejoins++;
    }

    private static void drop(Student s) {
        s.client.close();
        s.client = null;
    }

    @Test
    void everyStudentGetsEverySeqOnceInOrderThroughChurnAndANodeRestart() throws Exception {
        nodeA = base.toURI();
        tokens = nodeA;
        KetangHttp.awaitReady(nodeA);
        KetangHttp.liveRoom(nodeA, "academy", ROOM);
        Random random = new Random(20261122);

        try (SecondNode second = SecondNode.start()) {
            URI nodeB = second.uri();
            List<Student> students = new ArrayList<>();
            KetangClient teacher = KetangClient.connect(nodeA);
            try {
                teacher.hello(KetangHttp.devToken(tokens, 1, "academy", "teacher"), "pc");
                assertThat(teacher.join(ROOM, 1).getString("type")).isEqualTo("joined");
                for (long uin = 101; uin <= 108; uin++) {
                    Student s = new Student(uin);
                    connect(s, uin % 2 == 0 ? nodeA : nodeB);
                    students.add(s);
                }

                boolean bUp = true;
                for (int chunk = 0; chunk * CHUNK < TOTAL; chunk++) {
                    int first = chunk * CHUNK + 1;
                    sendSignals(teacher, ROOM, first, CHUNK);

                    // while the chunk is in flight: one or two students drop, the second node may die
                    for (int i = 0, drops = 1 + random.nextInt(2); i < drops; i++) {
                        Student s = students.get(random.nextInt(students.size()));
                        if (s.client != null) {
                            drop(s);
                            s.awayChunks = 1 + random.nextInt(3);
                        }
                    }
                    if (chunk == 15) {
                        second.kill();
                        bUp = false;
                        for (Student s : students) {
                            if (s.client != null && s.node.equals(nodeB)) {
                                drop(s);
                                s.awayChunks = 1;
                            }
                        }
                    }
                    assertThat(acknowledged(teacher, CHUNK)).isEqualTo(range(first, first + CHUNK - 1));
                    if (chunk == 24) {
                        second.restart();
                        bUp = true;
                    }

                    long head = first + CHUNK - 1;
                    for (Student s : students) {
                        if (s.client == null && --s.awayChunks <= 0) {
                            connect(s, bUp && random.nextBoolean() ? nodeB : nodeA);
                        }
                        if (s.client != null) {
                            receive(s.client, ROOM, s.held, head);
                        }
                    }
                }

                for (Student s : students) {
                    if (s.client == null) {
                        connect(s, nodeA);
                    }
                    receive(s.client, ROOM, s.held, TOTAL);
                    assertThat(s.held).as("student %d", s.uin).isEqualTo(range(1, TOTAL));
                }
                assertThat(students).as("every student came back at least once")
                        .allSatisfy(s -> assertThat(s.rejoins).isGreaterThan(1));
            } finally {
                teacher.close();
                students.stream().filter(s -> s.client != null).forEach(s -> s.client.close());
            }
        }
    }
}
