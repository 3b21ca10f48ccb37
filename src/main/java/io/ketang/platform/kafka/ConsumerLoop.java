package io.ketang.platform.kafka;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The life of a plain Kafka consumer on a thread of its own: open it, let the body poll while
 * {@link #running()}, reopen after a failure with a pause, and close it briefly, since nothing
 * waits on it when the application is going away. {@link #stop()} ends it from any thread.
 */
public final class ConsumerLoop {

    /** What a loop does with its open consumer; it returns when {@link #running()} turns false. */
    @FunctionalInterface
    public interface Body {
        void run(KafkaConsumer<String, String> consumer) throws Exception;
    }

    private final String name;
    private final Logger log;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> current;

    /** A loop, not yet started; its owner keeps it so that the body can ask {@link #running()}. */
    public ConsumerLoop(String name, Logger log) {
        this.name = name;
        this.log = log;
    }

    /** Starts the loop on a daemon thread of the given factory. */
    public void start(ThreadFactory threads, String threadName, Supplier<KafkaConsumer<String, String>> open, Body body) {
        Thread thread = threads.newThread(() -> loop(open, body));
        thread.setName(threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean running() {
        return running;
    }

    /** Ends the loop: a poll in progress returns at once (wakeup). */
    public void stop() {
        running = false;
        KafkaConsumer<String, String> consumer = current;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    private void loop(Supplier<KafkaConsumer<String, String>> open, Body body) {
        while (running) {
            KafkaConsumer<String, String> consumer = null;
            try {
                consumer = open.get();
                current = consumer;
                body.run(consumer);
            } catch (WakeupException | InterruptException stopping) {
                return;
            } catch (Exception e) {
                if (running) {
                    log.log(Level.WARNING, "{0} failed ({1}); restarting in 1 s", new Object[] {name, e.toString()});
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
            } finally {
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(1));
                }
            }
        }
    }
}
