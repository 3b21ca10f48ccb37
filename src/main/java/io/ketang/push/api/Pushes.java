package io.ketang.push.api;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.ketang.push.messaging.PushChannel;

/** Publishing to rooms: what other contexts and adapters call to reach clients on every node. */
@ApplicationScoped
public class Pushes {

    @Inject
    PushChannel channel;

    /**
     * Publishes a message to everyone in its room, on every node. Completes when Kafka has the
     * record (acks=all); completes exceptionally with {@link PushUnavailableException} when the bus
     * cannot take it, and then nothing was published.
     */
    public CompletionStage<Void> publish(RoomMessage message) {
        return channel.publish(message);
    }

    /**
     * Tells every node about a change to a room (closed, kicked, opened), in order with the room's
     * messages. Completes when Kafka has it.
     */
    public CompletionStage<Void> control(RoomControl control) {
        return channel.publish(control);
    }
}
