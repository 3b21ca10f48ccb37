package io.ketang.platform.messaging;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends keyed records through Reactive Messaging emitters, off the caller's thread, and tells
 * when Kafka has each one: Liberty's connector acks a message once the producer's send completed
 * (acks=all) and nacks it when it failed.
 *
 * <p>Why a thread of its own: the connector calls the Kafka producer on the thread that calls the
 * emitter, and the producer blocks that thread for up to {@code max.block.ms} when it has no
 * metadata for the topic or its buffer is full. With every broker away the client re-bootstraps
 * and forgets the topics, so the next send waited 3 s on the socket thread of a teacher, whose
 * heartbeats went unanswered meanwhile (PushFailuresIT). Here the sends queue for one sender
 * thread, in the order they were made (so each channel's order holds), and a caller never waits;
 * when {@code ketang.kafka.send-queue} sends are waiting, a send fails at once instead.
 */
@ApplicationScoped
public class KafkaSender {

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "ketang.kafka.send-queue", defaultValue = "20000")
    int queueSize;

    private ThreadPoolExecutor sender;

    @PostConstruct
    void start() {
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueSize), task -> {
            Thread thread = threads.newThread(task);
            thread.setName("ketang-kafka-sender");
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }

    /** Completes once Kafka has the record; exceptionally when it did not take it, or too many sends are waiting. */
    public CompletionStage<Void> send(Emitter<ProducerRecord<String, String>> emitter, ProducerRecord<String, String> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            sender.execute(() -> sendNow(emitter, record, done));
        } catch (RejectedExecutionException refused) {
            done.completeExceptionally(new IllegalStateException(sender.isShutdown()
                    ? "the node is stopping: Kafka sends are over" : "Kafka sends are backed up (" + queueSize + " waiting)", refused));
        }
        return done;
    }

    private static void sendNow(Emitter<ProducerRecord<String, String>> emitter, ProducerRecord<String, String> record,
                                CompletableFuture<Void> done) {
        try {
            emitter.send(Message.of(record,
                    () -> {
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    },
                    failure -> {
                        done.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (RuntimeException fullOrClosed) {
            // the emitter's buffer is full, or the channel is closing
            done.completeExceptionally(fullOrClosed);
        }
    }
}
