package io.ketang.push.messaging;

import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ketang.platform.messaging.AckedSends;
import io.ketang.push.api.PushUnavailableException;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.push.api.RoomMessage;
import io.ketang.push.api.RoomMessageArrived;

/**
 * The push topic: publishes room messages keyed by {@code bid/room} (so a room's messages keep
 * their order), and on every node turns each record into one client frame for local delivery.
 */
@ApplicationScoped
public class PushChannel {

    private static final Logger LOG = Logger.getLogger(PushChannel.class.getName());

    @Inject
    @Channel("push-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
    Emitter<ProducerRecord<String, String>> emitter;

    @Inject
    @ConfigProperty(name = "ketang.topic.push.name")
    String topic;

    @Inject
    Event<RoomMessageArrived> arrived;

    @Inject
    Event<RoomControlArrived> controlled;

    /** Completes once Kafka acknowledged the record (acks=all), or exceptionally if it did not. */
    public CompletionStage<Void> publish(RoomMessage message) {
        return send(message.room().key(), PushPayload.encode(message));
    }

    /** A room change, on the same topic and key as the room's messages so that order holds. */
    public CompletionStage<Void> publish(RoomControl control) {
        return send(control.room().key(), PushPayload.encode(control));
    }

    private CompletionStage<Void> send(String key, String value) {
        return AckedSends.send(emitter, new ProducerRecord<>(topic, key, value)).exceptionally(failure -> {
            throw new PushUnavailableException("Kafka did not take the message", failure);
        });
    }

    @Incoming("push-in")
    public void onRecord(String value) {
        Object decoded;
        try {
            decoded = PushPayload.decode(value);
        } catch (RuntimeException e) {
            // a record we cannot read must not stop the stream for everyone else
            LOG.log(Level.WARNING, "Skipping an unreadable push record ({0})", e.toString());
            return;
        }
        if (decoded instanceof PushPayload.Decoded message) {
            arrived.fire(new RoomMessageArrived(message.room(), message.frame()));
        } else if (decoded instanceof RoomControl control) {
            controlled.fire(new RoomControlArrived(control));
        }
    }
}
