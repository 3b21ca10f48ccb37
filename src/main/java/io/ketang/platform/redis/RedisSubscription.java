package io.ketang.platform.redis;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Listening to one Redis pub/sub channel on a thread of its own, subscribing again a second after
 * the connection is lost (pub/sub delivers at most once: what was published meanwhile is gone,
 * so its users have another way to catch up).
 */
public final class RedisSubscription {

    private static final Logger LOG = Logger.getLogger(RedisSubscription.class.getName());

    private volatile boolean running = true;
    private volatile JedisPubSub current;

    private RedisSubscription() {
    }

    /** Starts listening; {@code onMessage} gets (channel, message) on the listener thread. */
    public static RedisSubscription start(UnifiedJedis redis, ThreadFactory threads, String threadName, String channel,
                                          BiConsumer<String, String> onMessage) {
        RedisSubscription subscription = new RedisSubscription();
        Thread listener = threads.newThread(() -> subscription.loop(redis, channel, onMessage));
        listener.setName(threadName);
        listener.setDaemon(true);
        listener.start();
        return subscription;
    }

    private void loop(UnifiedJedis redis, String channel, BiConsumer<String, String> onMessage) {
        while (running) {
            JedisPubSub pubSub = new JedisPubSub() {
                @Override
                public void onMessage(String ch, String message) {
                    onMessage.accept(ch, message);
                }
            };
            current = pubSub;
            try {
                redis.subscribe(pubSub, channel);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "Redis channel {0} lost ({1}); subscribing again in 1 s",
                            new Object[] {channel, e.toString()});
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
            }
        }
    }

    public void stop() {
        running = false;
        JedisPubSub pubSub = current;
        if (pubSub != null && pubSub.isSubscribed()) {
            pubSub.unsubscribe();
        }
    }
}
