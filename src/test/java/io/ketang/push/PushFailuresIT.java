package io.ketang.push;

import static io.ketang.testing.Important.range;
import static io.ketang.testing.Important.receive;
import static io.ketang.testing.Important.signals;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.localstack.StackService;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;

/**
 * What goes wrong between a send and its delivery: Kafka away during a send (the sender hears
 * UNAVAILABLE, the seq it took is voided so the room has no hole), and a record the connector
 * delivers twice (no socket gets it twice).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PushFailuresIT {

    private static final String PUSH_TOPIC = "ketang.push";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    URI app;

    @BeforeEach
    void setUp() throws Exception {
        app = base.toURI();
        KetangHttp.awaitReady(app);
    }

    private KetangClient enter(long uin, String role, String room) {
        return KetangClient.inRoom(app, KetangHttp.devToken(app, uin, "academy", role), "web", room);
    }

    @Test
    void withKafkaAwayAnImportantSendIsUnavailableAndItsSeqIsVoidedNotLost() {
        KetangHttp.liveRoom(app, "academy", "kdown-1");
        try (KetangClient teacher = enter(41, "teacher", "kdown-1"); KetangClient student = enter(42, "student", "kdown-1")) {
            assertThat(signals(teacher, "kdown-1", 1, 5)).isEqualTo(range(1, 5));
            StackService kafka = LocalStackSession.stack().kafka();
            kafka.stop();
            try {
                teacher.send("{\"type\":\"send\",\"id\":9,\"room\":\"kdown-1\",\"kind\":\"signal\",\"body\":{}}");
                // the send waits for Kafka, the teacher's connection does not: its next frame is answered at once
                teacher.send("{\"type\":\"hb\"}");
                JsonObject first = teacher.next(f -> "hb".equals(f.getString("type")) || f.containsKey("id"), Duration.ofSeconds(3));
                assertThat(first.getString("type")).as("the heartbeat's reply comes before the send's").isEqualTo("hb");
                // the producer gives up after its delivery timeout (8 s on the test server)
                JsonObject refused = teacher.next(f -> f.containsKey("id") && f.getInt("id") == 9, Duration.ofSeconds(60));
                assertThat(refused.getString("type")).isEqualTo("error");
                assertThat(refused.getString("code")).isEqualTo("UNAVAILABLE");
                assertThat(student.closed()).as("sessions stay up while Kafka is away").isFalse();
            } finally {
                start(kafka);
            }
            KetangHttp.awaitReady(app);

            // the refused send took seq 6 and voided it: the next one is 7, and 6 is pullable
            assertThat(signals(teacher, "kdown-1", 7, 1)).containsExactly(7L);
            assertThat(receive(student, "kdown-1", new ArrayList<>(), 7)).isEqualTo(range(1, 7));
            student.send("{\"type\":\"pull\",\"id\":5,\"room\":\"kdown-1\",\"after\":5,\"limit\":10}");
            List<JsonObject> after5 = student.next(f -> "pulled".equals(f.getString("type")))
                    .getJsonArray("msgs").getValuesAs(JsonObject.class);
            assertThat(after5).extracting(m -> m.getString("kind")).containsExactly("void", "signal");
            assertThat(student.closed()).isFalse();
        }
    }

    @Test
    void aRecordDeliveredTwiceReachesEachSocketOnce() throws Exception {
        KetangHttp.liveRoom(app, "academy", "dup-1");
        try (KetangClient teacher = enter(51, "teacher", "dup-1"); KetangClient student = enter(52, "student", "dup-1")) {
            assertThat(signals(teacher, "dup-1", 1, 3)).isEqualTo(range(1, 3));
            assertThat(receive(student, "dup-1", new ArrayList<>(), 3)).isEqualTo(range(1, 3));

            // what a redelivery after a rebalance or restart looks like: seq 2 and 3 on the topic again
            String bootstrap = LocalStackSession.stack().kafkaBootstrap();
            List<ConsumerRecord<String, String>> originals = roomRecords(bootstrap, "academy/dup-1", 3);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new StringSerializer())) {
                for (ConsumerRecord<String, String> r : originals.subList(1, 3)) {
                    producer.send(new ProducerRecord<>(PUSH_TOPIC, r.key(), r.value())).get();
                }
            }
            // same key, same partition: the copies come before seq 4, so seq 4 is next only if they were skipped
            assertThat(signals(teacher, "dup-1", 4, 1)).containsExactly(4L);
            JsonObject next = student.next(f -> "msg".equals(f.getString("type")), Duration.ofSeconds(20));
            assertThat(next.getJsonNumber("seq").longValue()).isEqualTo(4);
        }
    }

    /** The first {@code n} important push records with the given key, read from the start of the topic. */
    private static List<ConsumerRecord<String, String>> roomRecords(String bootstrap, String key, int n) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "push-failures-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(PUSH_TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + found.size() + " records keyed " + key + " on " + PUSH_TOPIC);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key()) && r.value().contains("\"seq\":") && found.size() < n) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static void start(StackService service) {
        try {
            service.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
