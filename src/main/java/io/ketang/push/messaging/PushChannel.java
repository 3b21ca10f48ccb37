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

import io.ketang.platform.messaging.KafkaSender;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.push.api.Target;
import io.ketang.push.internal.Delivery;
import io.ketang.shared.RoomRef;

/**
 * The push topic: every record is keyed {@code bid/room}, so a room's messages and changes keep
 * their order; every node reads every record and hands it to {@link Delivery}.
 */
@ApplicationScoped
public class PushChannel {

    @Inject
    KafkaSender sender;

    private static final Logger LOG = Logger.getLogger(PushChannel.class.getName());

    @Inject
    @Channel("push-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
    Emitter<ProducerRecord<String, String>> emitter;

    @Inject
    @ConfigProperty(name = "ketang.topic.push.name")
    String topic;

    @Inject
    Delivery delivery;

    @Inject
    Event<RoomControlArrived> controlled;

    /** Completes once Kafka has the record (acks=all), or exceptionally if it did not take it. */
    public CompletionStage<Void> important(RoomRef room, long seq, String frame) {
        return send(room, PushPayload.important(room, seq, frame));
    }

    public CompletionStage<Void> normal(RoomRef room, String item) {
        return send(room, PushPayload.normal(room, item));
    }

    public CompletionStage<Void> targeted(RoomRef room, Target target, String frame) {
        return send(room, PushPayload.targeted(room, target, frame));
    }

    /** To users wherever they are: keyed by business, so one user's messages keep their order. */
    public CompletionStage<Void> toUsers(String bid, java.util.Set<Long> uins, String frame) {
        return sender.send(emitter, new ProducerRecord<>(topic, bid + "/@users", PushPayload.toUsers(bid, uins, frame)));
    }

    public CompletionStage<Void> control(RoomControl control) {
        return send(control.room(), PushPayload.control(control));
    }

    private CompletionStage<Void> send(RoomRef room, String value) {
        return sender.send(emitter, new ProducerRecord<>(topic, room.key(), value));
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
        try {
            if (decoded instanceof PushPayload.Important m) {
                delivery.important(m.room(), m.seq(), m.frame());
            } else if (decoded instanceof PushPayload.Normal m) {
                delivery.normal(m.room(), m.item());
            } else if (decoded instanceof PushPayload.Targeted m) {
                delivery.targeted(m.room(), m.target(), m.frame());
            } else if (decoded instanceof PushPayload.ToUsers m) {
                delivery.toUsers(m.bid(), m.uins(), m.frame());
            } else if (decoded instanceof RoomControl control) {
                controlled.fire(new RoomControlArrived(control));
            }
        } catch (RuntimeException e) {
            // a fault in one delivery must not stop the stream: an exception here nacks the record,
            // and the connector then stops this node's whole push consumption (its clients pull
            // what this one missed)
            LOG.log(Level.SEVERE, "A push record was not delivered on this node", e);
        }
    }
}
