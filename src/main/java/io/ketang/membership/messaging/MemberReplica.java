package io.ketang.membership.messaging;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.ketang.membership.api.Member;
import io.ketang.membership.api.MembersChanged;
import io.ketang.membership.internal.MemberDirectory;
import io.ketang.membership.internal.MemberEntry;
import io.ketang.membership.internal.Roster;
import io.ketang.membership.internal.Snapshot;
import io.ketang.platform.kafka.ConsumerLoop;

/**
 * This node's full replica of every member list: reads every partition of the compacted members
 * topic (no consumer group: every node reads everything), applies each record in order (last
 * write per key wins, the same on every node), and every {@code ketang.membership.snapshot-ms}
 * writes a snapshot with the offsets it covers. On start it loads the snapshot and replays only
 * what came after; without one it rebuilds from the topic. One thread applies; reads come from
 * any thread.
 */
@ApplicationScoped
public class MemberReplica {

    private static final Logger LOG = Logger.getLogger(MemberReplica.class.getName());

    @Inject
    @ConfigProperty(name = "ketang.kafka.bootstrap-servers")
    String bootstrap;

    @Inject
    @ConfigProperty(name = "ketang.topic.members.name")
    String topic;

    @Inject
    @ConfigProperty(name = "ketang.membership.snapshot-file", defaultValue = "snapshots/members.snapshot")
    String snapshotFile;

    @Inject
    @ConfigProperty(name = "ketang.membership.snapshot-ms", defaultValue = "30000")
    long snapshotEveryMs;

    @Inject
    Event<MembersChanged> changed;

    @Inject
    io.ketang.platform.kafka.KafkaAdmin admin;

    @Resource
    ManagedThreadFactory threads;

    private final MemberDirectory directory = new MemberDirectory();
    private final ConsumerLoop loop = new ConsumerLoop("Member replica reader", LOG);
    private volatile boolean caughtUp;
    private volatile int snapshotLoaded;
    private volatile long replayed;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Path file = Path.of(snapshotFile);
        loop.start(threads, "ketang-member-replica", () -> new KafkaConsumer<>(config()), kafka -> replicate(kafka, file));
    }

    public MemberDirectory directory() {
        return directory;
    }

    /** Whether the replica has applied everything that was in the topic when the node started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Entries loaded from the snapshot at start, and records replayed since. */
    public String progress() {
        return snapshotLoaded + " from snapshot, " + replayed + " replayed";
    }

    /** Loads the snapshot, replays the rest, then follows the topic, snapshotting as it goes, until stopped. */
    private void replicate(KafkaConsumer<String, String> kafka, Path file) throws java.io.IOException {
        Map<Integer, Long> offsets = new HashMap<>();
        String topicId = topicId();
        Snapshot.read(file).filter(snapshot -> {
            boolean same = snapshot.topicId().equals(topicId);
            if (!same) {
                LOG.warning(() -> "Member snapshot " + file + " is of another members topic; rebuilding from the topic");
            }
            return same;
        }).ifPresent(snapshot -> {
            if (directory.rooms().isEmpty()) {
                snapshot.entries().forEach(directory::put);
                offsets.putAll(snapshot.offsets());
                snapshotLoaded = snapshot.entries().size();
                LOG.info(() -> "Member lists: loaded " + snapshot.entries().size() + " entries from " + file);
            }
        });
        List<TopicPartition> partitions = partitions(kafka);
        kafka.assign(partitions);
        for (TopicPartition p : partitions) {
            Long next = offsets.get(p.partition());
            if (next == null) {
                kafka.seekToBeginning(List.of(p));
            } else {
                kafka.seek(p, next);
            }
        }
        Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
        long nextSnapshot = System.currentTimeMillis() + snapshotEveryMs;
        while (loop.running()) {
            org.apache.kafka.clients.consumer.ConsumerRecords<String, String> records;
            try {
                records = kafka.poll(Duration.ofMillis(200));
            } catch (WakeupException stopping) {
                break;
            }
            for (ConsumerRecord<String, String> record : records) {
                apply(record);
            }
            if (!caughtUp && partitions.stream().allMatch(p -> kafka.position(p) >= end.get(p))) {
                caughtUp = true;
                LOG.info(() -> "Member lists caught up: " + progress());
            }
            if (System.currentTimeMillis() >= nextSnapshot) {
                directory.forgetDeparturesBefore(System.currentTimeMillis() - 600_000);
                snapshot(kafka, partitions, offsets, topicId, file);
                nextSnapshot = System.currentTimeMillis() + snapshotEveryMs;
            }
        }
        snapshot(kafka, partitions, offsets, topicId, file);
    }

    private void snapshot(KafkaConsumer<String, String> kafka, List<TopicPartition> partitions, Map<Integer, Long> offsets,
                          String topicId, Path file) throws java.io.IOException {
        partitions.forEach(p -> offsets.put(p.partition(), kafka.position(p)));
        Snapshot.of(topicId, directory, offsets).write(file);
    }

    private String topicId() {
        while (loop.running()) {
            try {
                return admin.topicId(topic, 10_000);
            } catch (Exception notYet) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
        }
        throw new WakeupException();
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, String> kafka) {
        while (loop.running()) {
            List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, String> record) {
        MemberRecords.Key key;
        try {
            key = MemberRecords.parseKey(record.key());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Skipping a member record with a bad key at offset {0}", record.offset());
            return;
        }
        Roster.Change change;
        MemberEntry entry = null;
        if (record.value() == null) {
            change = directory.remove(key.room(), key.uin(), key.terminal(), record.timestamp());
        } else {
            try {
                entry = MemberRecords.entry(key, record.value());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Skipping an unreadable member record at offset {0}", record.offset());
                return;
            }
            change = directory.put(entry);
        }
        replayed++;
        if (caughtUp && (change == Roster.Change.JOINED || change == Roster.Change.LEFT)) {
            Roster roster = directory.roster(key.room());
            Member member = roster == null ? null : roster.get(key.uin());
            changed.fire(change == Roster.Change.JOINED
                    ? new MembersChanged(key.room(), List.of(member), List.of())
                    : new MembersChanged(key.room(), List.of(), List.of(key.uin())));
        }
    }

    private Properties config() {
        Properties p = io.ketang.platform.kafka.ConsumerSettings.base(bootstrap, "ketang-members-replica");
        // an offset the log no longer has: replay from the start, which is always right for a compacted log
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return p;
    }

    @PreDestroy
    void stop() {
        loop.stop();
    }
}
