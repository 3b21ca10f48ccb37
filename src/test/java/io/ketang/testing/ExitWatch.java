package io.ketang.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.json.JsonObject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the exits topic from now on, as a business backend would, and keeps every exit notice of
 * one business by room, so a test can look for the notices it expects and count those it must not see.
 */
public final class ExitWatch implements AutoCloseable {

    private static final String TOPIC = "ketang.exits";

    private final KafkaConsumer<String, String> consumer;
    private final Thread reader;
    private final String bid;
    private final Map<String, List<JsonObject>> byRoom = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public ExitWatch(String bootstrap, String bid) {
        this.bid = bid;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes "from now on" before the first case
        reader = new Thread(this::read, "fault-suite-exits");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (bid.equals(r.key()) && r.value() != null) {
                        JsonObject exit = KetangHttp.Reply.parse(r.value());
                        byRoom.computeIfAbsent(exit.getString("room"), k -> new CopyOnWriteArrayList<>()).add(exit);
                    }
                }
            }
        } catch (WakeupException stopping) {
            // closed
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Every exit notice of the room read so far. */
    public List<JsonObject> of(String room) {
        return List.copyOf(byRoom.getOrDefault(room, List.of()));
    }

    /** The exit notices of the room so far about the given users, and sessions reported gone more than once. */
    public Seen seen(String room, Set<Long> stayed) {
        List<JsonObject> exits = byRoom.getOrDefault(room, List.of());
        Map<String, Integer> perSession = new HashMap<>();
        List<String> aboutStaying = new ArrayList<>();
        for (JsonObject e : exits) {
            long uin = e.getJsonNumber("uin").longValue();
            perSession.merge(uin + "/" + e.getString("terminal"), 1, Integer::sum);
            if (stayed.contains(uin)) {
                aboutStaying.add(uin + ":" + e.getString("reason") + "@" + java.time.Instant.ofEpochMilli(e.getJsonNumber("ts").longValue()));
            }
        }
        long duplicates = perSession.values().stream().filter(n -> n > 1).count();
        return new Seen(aboutStaying.size(), duplicates, aboutStaying.stream().limit(5).toList());
    }

    /** The reason of the first exit notice of each of the given users in the room, for those that have one. */
    public Map<Long, String> reasons(String room, Set<Long> uins) {
        Map<Long, String> out = new HashMap<>();
        for (JsonObject e : byRoom.getOrDefault(room, List.of())) {
            long uin = e.getJsonNumber("uin").longValue();
            if (uins.contains(uin)) {
                out.putIfAbsent(uin, e.getString("reason"));
            }
        }
        return out;
    }

    /**
     * @param forStaying exit notices about users who never left
     * @param duplicates sessions with more than one notice
     * @param sample     a few of the notices about users who stayed ({@code uin:reason@time})
     */
    public record Seen(long forStaying, long duplicates, List<String> sample) {
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
