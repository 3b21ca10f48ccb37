package io.ketang.platform.kafka;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The life of a plain Kafka consumer on a thread of its own: open it, let the body poll until the
 * application stops (the stopper calls {@code wakeup()}), reopen after a failure with a pause, and
 * close it briefly, since nothing waits on it when the application is going away.
 */
public final class ConsumerLoop {

    /** What a loop does with its open consumer; it returns when {@code running} turns false. */
    @FunctionalInterface
    public interface Body {
        void run(KafkaConsumer<String, String> consumer) throws Exception;
    }

    private ConsumerLoop() {
    }

    public static void run(String name, BooleanSupplier running, Supplier<KafkaConsumer<String, String>> open,
                           java.util.function.Consumer<KafkaConsumer<String, String>> opened, Body body, Logger log) {
        while (running.getAsBoolean()) {
            KafkaConsumer<String, String> consumer = null;
            try {
                consumer = open.get();
                opened.accept(consumer);
                body.run(consumer);
            } catch (WakeupException | InterruptException stopping) {
                return;
            } catch (Exception e) {
                if (running.getAsBoolean()) {
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
