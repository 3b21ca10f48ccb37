package io.ketang.gateway;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

import io.ketang.platform.Node;

/**
 * Notices from other nodes to this one, over a Redis channel of its own
 * ({@code ketang:node:<node id>}): today, "close this session, a newer login replaced it". Pub/sub
 * delivers at most once; a notice lost while Redis is away is made good by the session's next
 * heartbeat, which finds its registry entry taken and closes it.
 */
@ApplicationScoped
class NodeChannel {

    private static final Logger LOG = Logger.getLogger(NodeChannel.class.getName());
    private static final String REPLACE = "replace ";

    @Inject
    UnifiedJedis redis;

    @Inject
    Node node;

    @Resource
    ManagedThreadFactory threads;

    private volatile boolean running;
    private volatile JedisPubSub subscription;

    /** Starts listening; {@code onReplaced} gets the id of each local session to close. */
    void listen(Consumer<String> onReplaced) {
        running = true;
        Thread listener = threads.newThread(() -> {
            while (running) {
                JedisPubSub pubSub = new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        if (message.startsWith(REPLACE)) {
                            onReplaced.accept(message.substring(REPLACE.length()));
                        }
                    }
                };
                subscription = pubSub;
                try {
                    redis.subscribe(pubSub, channel(node.id()));
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.log(Level.WARNING, "Node channel lost ({0}); resubscribing in 1 s", e.toString());
                        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                    }
                }
            }
        });
        listener.setName("ketang-node-channel");
        listener.setDaemon(true);
        listener.start();
    }

    /** Asks another node to close one of its sessions. */
    void replace(String otherNode, String session) {
        redis.publish(channel(otherNode), REPLACE + session);
    }

    @PreDestroy
    void stop() {
        running = false;
        JedisPubSub pubSub = subscription;
        if (pubSub != null && pubSub.isSubscribed()) {
            pubSub.unsubscribe();
        }
    }

    private static String channel(String nodeId) {
        return "ketang:node:" + nodeId;
    }
}
