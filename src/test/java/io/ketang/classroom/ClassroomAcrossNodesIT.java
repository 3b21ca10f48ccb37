package io.ketang.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.json.JsonObject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.ketang.localstack.LocalStackSession;
import io.ketang.testing.KetangClient;
import io.ketang.testing.KetangDeployment;
import io.ketang.testing.KetangHttp;
import io.ketang.testing.SecondNode;

/**
 * A class of 1,000 students on two nodes: a red-packet storm, a sign-in with late joiners and
 * absentees, a quiz, the hand-raise queue, all held by the server; the records outlive a node's
 * restart, and the events topic has every interaction.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClassroomAcrossNodesIT {

    static final int STUDENTS = 1_000;
    static final int LATE = 50;
    static final String BID = "cls";
    static final String ROOM = "cls-1";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return KetangDeployment.war();
    }

    @ArquillianResource
    URL base;

    /** Sends one classroom frame and returns its reply (sent or error). */
    static JsonObject act(KetangClient client, int id, String kind, String body) {
        client.send("{\"type\":\"send\",\"id\":" + id + ",\"room\":\"" + ROOM + "\",\"kind\":\"" + kind + "\",\"body\":" + body + "}");
        return client.next(f -> f.containsKey("id") && f.getInt("id") == id && !"msg".equals(f.getString("type")), Duration.ofSeconds(30));
    }

    static JsonObject msg(KetangClient client, String kind) {
        return client.next(f -> "msg".equals(f.getString("type")) && kind.equals(f.getString("kind")), Duration.ofSeconds(30));
    }

    /** Connects students first..first+n-1, alternating nodes, in parallel. */
    static Map<Long, KetangClient> students(ExecutorService pool, URI nodeA, URI nodeB, long first, int n) throws Exception {
        Map<Long, KetangClient> out = new ConcurrentHashMap<>();
        List<Future<?>> joins = new ArrayList<>();
        for (long uin = first; uin < first + n; uin++) {
            long u = uin;
            joins.add(pool.submit(() -> out.put(u, KetangClient.inRoom(u % 2 == 0 ? nodeA : nodeB,
                    KetangHttp.devToken(nodeA, u, BID, "student"), "app", ROOM))));
        }
        for (Future<?> join : joins) {
            join.get();
        }
        return out;
    }

    /** Every student sends one frame at once; their replies by uin. */
    static Map<Long, JsonObject> everyone(ExecutorService pool, Map<Long, KetangClient> students, int id, String kind,
                                          java.util.function.LongFunction<String> body) throws Exception {
        Map<Long, Future<JsonObject>> replies = new HashMap<>();
        students.forEach((uin, client) -> replies.put(uin, pool.submit(() -> act(client, id, kind, body.apply(uin)))));
        Map<Long, JsonObject> out = new HashMap<>();
        for (var e : replies.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }

    @Test
    void aClassOfAThousandOnTwoNodes() throws Exception {
        URI nodeA = base.toURI();
        KetangHttp.awaitReady(nodeA);
        String service = KetangHttp.serviceToken(nodeA, BID);
        KetangHttp.liveRoom(nodeA, BID, ROOM);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        // students connect a few at a time: the join storm is the 60,000-student issue's to measure, not this test's
        ExecutorService joining = Executors.newFixedThreadPool(4);
        Map<Long, KetangClient> students = new HashMap<>();
        Map<Long, KetangClient> late = new HashMap<>();
        try (SecondNode second = SecondNode.start();
             KafkaConsumer<String, String> events = eventReader()) {
            URI nodeB = second.uri();
            KetangHttp.awaitReady(nodeB);
            try (KetangClient teacher = KetangClient.inRoom(nodeA, KetangHttp.devToken(nodeA, 1, BID, "teacher"), "pc", ROOM)) {
                students.putAll(students(joining, nodeA, nodeB, 1_000, STUDENTS));

                // --- red packets: 1,000 grab 100 shares at once ---
                JsonObject sent = act(teacher, 10, "redpacket.send", "{\"count\":100,\"totalCents\":10000,\"durationSec\":120}");
                long packet = sent.getJsonObject("result").getJsonNumber("id").longValue();
                assertThat(sent.getJsonNumber("seq").longValue()).isPositive();
                Map<Long, JsonObject> grabs = everyone(pool, students, 11, "redpacket.grab", uin -> "{\"id\":" + packet + "}");
                Map<Long, Long> won = new HashMap<>();
                grabs.forEach((uin, reply) -> {
                    if ("sent".equals(reply.getString("type"))) {
                        won.put(uin, reply.getJsonObject("result").getJsonNumber("cents").longValue());
                    } else {
                        assertThat(reply.getString("code")).as(reply.toString()).isEqualTo("GONE");
                    }
                });
                assertThat(won).hasSize(100);
                assertThat(won.values()).allSatisfy(cents -> assertThat(cents).isPositive());
                assertThat(won.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);
                // a winner who grabs again is told what they got, and gets nothing more
                long winner = won.keySet().iterator().next();
                JsonObject again = act(students.get(winner), 12, "redpacket.grab", "{\"id\":" + packet + "}");
                assertThat(again.getString("code")).isEqualTo("ALREADY_DONE");
                assertThat(again.getJsonObject("result").getJsonNumber("cents").longValue()).isEqualTo(won.get(winner));
                // every share taken: the packet settles, the room is told, and the ledger is Redis's to the cent
                assertThat(msg(teacher, "redpacket.end").getJsonObject("body").getInt("grabbed")).isEqualTo(100);
                JsonObject ledger = KetangHttp.get(nodeB, "/api/v1/rooms/" + ROOM + "/redpackets/" + packet + "/grabs", service).json();
                assertThat(ledger.getJsonObject("grabs")).isEqualTo(ledger.getJsonObject("live")).hasSize(100);
                won.forEach((uin, cents) -> assertThat(ledger.getJsonObject("grabs").getJsonNumber(Long.toString(uin)).longValue())
                        .isEqualTo(cents));

                // a packet nobody empties expires, and what was left is reported
                long small = act(teacher, 13, "redpacket.send", "{\"count\":5,\"totalCents\":500,\"durationSec\":2}")
                        .getJsonObject("result").getJsonNumber("id").longValue();
                long claimed = 0;
                for (long uin : List.of(1_000L, 1_001L)) {
                    claimed += act(students.get(uin), 14, "redpacket.grab", "{\"id\":" + small + "}").getJsonObject("result")
                            .getJsonNumber("cents").longValue();
                }
                JsonObject expired = msg(teacher, "redpacket.end").getJsonObject("body");
                assertThat(expired.getJsonNumber("id").longValue()).isEqualTo(small);
                assertThat(expired.getInt("unclaimed")).isEqualTo(3);
                assertThat(expired.getJsonNumber("unclaimedCents").longValue()).isEqualTo(500 - claimed);

                // --- sign-in: 800 of the 1,000 sign, 50 come late and 30 of them sign ---
                JsonObject opened = act(teacher, 20, "signin.start", "{\"durationSec\":120}");
                long signin = opened.getJsonObject("result").getJsonNumber("id").longValue();
                late.putAll(students(joining, nodeA, nodeB, 5_000, LATE));
                Map<Long, KetangClient> signing = new HashMap<>();
                students.forEach((uin, c) -> {
                    if (uin < 1_800) {
                        signing.put(uin, c);
                    }
                });
                late.forEach((uin, c) -> {
                    if (uin < 5_030) {
                        signing.put(uin, c);
                    }
                });
                assertThat(everyone(pool, signing, 21, "signin", uin -> "{}").values())
                        .allSatisfy(reply -> assertThat(reply.getString("type")).as(reply.toString()).isEqualTo("sent"));
                assertThat(act(students.get(1_000L), 22, "signin", "{}").getString("code")).isEqualTo("ALREADY_DONE");
                // the teacher follows the count live, merged
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    JsonObject tally = msg(teacher, "tally").getJsonObject("body");
                    return tally.containsKey("signin") && tally.getJsonObject("signin").getInt("signed") == 830;
                });
                JsonObject closed = act(teacher, 23, "signin.end", "{}").getJsonObject("result");
                assertThat(closed.getInt("signed")).isEqualTo(800);
                assertThat(closed.getInt("late")).isEqualTo(30);
                assertThat(closed.getInt("absent")).isEqualTo(220);

                // --- quiz: answers go to staff only; the result reaches everyone, in order ---
                act(teacher, 30, "quiz.start", "{\"options\":[\"A\",\"B\",\"C\",\"D\"],\"correct\":\"B\",\"durationSec\":120}");
                JsonObject told = msg(students.get(1_001L), "quiz.start").getJsonObject("body");
                assertThat(told.containsKey("correct")).as("students never learn the answer before the end").isFalse();
                String[] choices = {"A", "B", "C", "D"};
                everyone(pool, students, 31, "answer", uin -> "{\"choice\":\"" + choices[(int) (uin % 4)] + "\"}");
                JsonObject ending = act(teacher, 32, "quiz.end", "{}");
                JsonObject result = ending.getJsonObject("result");
                assertThat(result.getJsonObject("counts").getInt("A")).isEqualTo(250);
                assertThat(result.getJsonObject("counts").getInt("B")).isEqualTo(250);
                assertThat(result.getInt("answered")).isEqualTo(1_000);
                assertThat(result.getJsonNumber("correctRate").doubleValue()).isEqualTo(0.25);
                // the reply names the result's seq (the result itself may reach the teacher before the reply)
                long resultSeq = ending.getJsonNumber("seq").longValue();
                assertThat(resultSeq).isPositive();
                for (long uin : List.of(1_000L, 1_001L, 1_998L, 1_999L)) {
                    // every student gets the same result with the same seq, and no other student's answer came before it
                    KetangClient s = students.get(uin);
                    JsonObject shown = s.next(f -> "quiz.result".equals(f.getString("kind", "")) || f.toString().contains("\"answer\""),
                            Duration.ofSeconds(30));
                    assertThat(shown.getString("kind", "")).isEqualTo("quiz.result");
                    assertThat(shown.getJsonNumber("seq").longValue()).isEqualTo(resultSeq);
                }

                // --- hands: a queue across nodes that staff act on ---
                for (long uin : List.of(1_000L, 1_001L, 1_002L)) {
                    assertThat(act(students.get(uin), 40, "hand.raise", "{}").getString("type")).isEqualTo("sent");
                }
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        msg(teacher, "tally").getJsonObject("body").getJsonObject("hands").getJsonArray("queue").toString()
                                .equals("[1000,1001,1002]"));
                act(teacher, 41, "hand.accept", "{\"uin\":1001}");
                assertThat(msg(students.get(1_001L), "hand.accepted")).isNotNull();
                act(teacher, 42, "hand.dismiss", "{\"uin\":1000}");
                assertThat(msg(students.get(1_000L), "hand.dismissed")).isNotNull();
                assertThat(act(teacher, 43, "hand.accept", "{\"uin\":1000}").getString("code")).isEqualTo("NOT_OPEN");
                // the queue survives a reconnect: the student finds their hand still up
                students.remove(1_002L).close();
                try (KetangClient back = KetangClient.connect(nodeB)) {
                    back.hello(KetangHttp.devToken(nodeA, 1_002, BID, "student"), "app");
                    back.send("{\"type\":\"join\",\"id\":1,\"room\":\"" + ROOM + "\"}");
                    JsonObject state = back.next(f -> "state".equals(f.getString("type")));
                    assertThat(state.getJsonObject("hands").getBoolean("raised")).isTrue();
                    assertThat(state.getJsonObject("hands").getJsonArray("queue").toString()).isEqualTo("[1002]");
                }
            }

            // --- the records outlive a restart of the node that reads them ---
            second.restart();
            KetangHttp.awaitReady(nodeB);
            // ready (its dependencies answer) can come a moment before the REST application is
            // mapped; a CI run once got Liberty's HTML page here
            KetangHttp.Reply listed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> KetangHttp.get(nodeB, "/api/v1/rooms/" + ROOM + "/signins", service), r -> r.status() == 200);
            JsonObject signins = listed.json();
            assertThat(signins.getJsonArray("signins").getJsonObject(0).getInt("signed")).isEqualTo(800);
            Map<String, Integer> byStatus = new HashMap<>();
            long after = 0;
            while (true) {
                JsonObject page = KetangHttp.get(nodeB, "/api/v1/rooms/" + ROOM + "/attendance?signin=" + signin_id(signins)
                        + "&after=" + after + "&limit=400", service).json();
                page.getJsonArray("attendance").getValuesAs(JsonObject.class).forEach(row -> byStatus.merge(row.getString("status"), 1, Integer::sum));
                if (!page.containsKey("next")) {
                    break;
                }
                after = page.getJsonNumber("next").longValue();
            }
            assertThat(byStatus).containsEntry("signed", 800).containsEntry("late", 30).containsEntry("absent", 220);
            JsonObject quizzes = KetangHttp.get(nodeB, "/api/v1/rooms/" + ROOM + "/quizzes", service).json();
            assertThat(quizzes.getJsonArray("quizzes").getJsonObject(0).getInt("right")).isEqualTo(250);

            // --- the events topic holds every interaction, keyed by the room ---
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (var record : events.poll(Duration.ofMillis(500))) {
                    if (record.key().equals(BID + "/" + ROOM)) {
                        JsonObject event = KetangHttp.Reply.parse(record.value());
                        seen.merge(event.getString("type"), 1, Integer::sum);
                    }
                }
                assertThat(seen).containsEntry("signin", 830).containsEntry("answer", 1_000).containsEntry("redpacket.grab", 102)
                        .containsEntry("signin.start", 1).containsEntry("signin.end", 1).containsEntry("quiz.start", 1)
                        .containsEntry("quiz.end", 1).containsEntry("redpacket.send", 2).containsEntry("hand.raise", 3);
                assertThat(seen.get("join")).isGreaterThanOrEqualTo(1 + STUDENTS + LATE);
            });
        } finally {
            students.values().forEach(KetangClient::close);
            late.values().forEach(KetangClient::close);
            pool.shutdownNow();
            joining.shutdownNow();
        }
    }

    private static long signin_id(JsonObject signins) {
        return signins.getJsonArray("signins").getJsonObject(0).getJsonNumber("id").longValue();
    }

    private static KafkaConsumer<String, String> eventReader() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackSession.stack().kafkaBootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        List<TopicPartition> partitions = consumer.partitionsFor("ketang.events").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
