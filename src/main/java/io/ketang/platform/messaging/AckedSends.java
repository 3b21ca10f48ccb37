package io.ketang.platform.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sending a keyed record through a Reactive Messaging emitter and learning when Kafka has it:
 * Liberty's connector acks the message once the producer's send completed (acks=all) and nacks it
 * when it failed. A full emitter buffer fails the stage at once.
 */
public final class AckedSends {

    private AckedSends() {
    }

    public static CompletionStage<Void> send(Emitter<ProducerRecord<String, String>> emitter, ProducerRecord<String, String> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
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
            done.completeExceptionally(fullOrClosed);
        }
        return done;
    }
}
