package io.ketang.platform.kafka;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Creates Ketang's topics when the application starts. Kafka may not be up yet (or at all, for a
 * while): the node then keeps trying in the background rather than failing to start, and readiness
 * stays DOWN until Kafka answers.
 */
@ApplicationScoped
public class TopicStartup {

    private static final Logger LOG = Logger.getLogger(TopicStartup.class.getName());

    @Inject
    KafkaAdmin admin;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile boolean done;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        scheduler.execute(this::attempt);
    }

    private void attempt() {
        try {
            admin.ensureTopics();
            done = true;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Kafka topics not ensured yet ({0}); retrying in 5 s", e.toString());
            scheduler.schedule(this::attempt, 5, TimeUnit.SECONDS);
        }
    }

    /** Whether every topic is known to exist. */
    public boolean done() {
        return done;
    }
}
