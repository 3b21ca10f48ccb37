package io.ketang.platform.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics of a {@link TopicPlan} that do not exist yet. An existing topic is never
 * changed: adding partitions would move keys to other partitions and break per-room order, so a
 * count that differs from the plan is reported for an operator to decide.
 */
public final class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class.getName());

    private TopicProvisioner() {
    }

    /** Ensures every topic exists; returns the names it created. */
    public static Set<String> ensure(Admin admin, List<TopicSpec> topics, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<NewTopic> missing = topics.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.configs()))
                .toList();
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another node created it at the same moment: fine
            }
        }
        // only the topics that were there before: a topic created just now has the plan's count, and
        // describing it at once can fail while the broker's metadata has not caught up with the create
        reportDifferences(admin, topics.stream().filter(t -> existing.contains(t.name())).toList(), timeoutMs);
        Set<String> created = missing.stream().map(NewTopic::name).collect(Collectors.toUnmodifiableSet());
        if (!created.isEmpty()) {
            LOG.info(() -> "Created Kafka topics " + topics.stream().filter(t -> created.contains(t.name()))
                    .map(t -> t.name() + " (" + t.partitions() + " partitions)").collect(Collectors.joining(", ")));
        }
        return created;
    }

    private static void reportDifferences(Admin admin, List<TopicSpec> topics, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described = admin.describeTopics(topics.stream().map(TopicSpec::name).toList())
                .allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        for (TopicSpec spec : topics) {
            int actual = described.get(spec.name()).partitions().size();
            if (actual != spec.partitions()) {
                LOG.warning(() -> "Topic " + spec.name() + " has " + actual + " partitions; the plan computes "
                        + spec.partitions() + ". Left as it is: changing it would reorder keys.");
            }
        }
    }
}
