package io.ketang.classroom.messaging;

import static io.ketang.shared.Jsonp.JSON;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ketang.platform.messaging.KafkaSender;
import io.ketang.shared.RoomRef;

/**
 * Writes the events topic ({@code ketang.events}), keyed by {@code bid/room} so a room's events
 * keep their order: {@code {"v":1,"type","bid","room","uin","role","ts",...}} (docs/architecture.md).
 * Analytics reads it; nothing in Ketang waits for it, so a failed write is logged and dropped.
 */
@ApplicationScoped
public class EventLog {

    @Inject
    KafkaSender sender;

    private static final Logger LOG = Logger.getLogger(EventLog.class.getName());

    @Inject
    @Channel("events-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 100_000)
    Emitter<ProducerRecord<String, String>> events;

    @Inject
    @ConfigProperty(name = "ketang.topic.events.name")
    String topic;

    /** Publishes one event; {@code detail}'s fields go beside the common ones. */
    public void publish(String type, RoomRef room, long uin, String role, long ts, JsonObject detail) {
        var event = JSON.createObjectBuilder().add("v", 1).add("type", type).add("bid", room.bid()).add("room", room.room());
        if (uin > 0) {
            event.add("uin", uin);
        }
        if (role != null) {
            event.add("role", role);
        }
        event.add("ts", ts);
        if (detail != null) {
            detail.forEach(event::add);
        }
        sender.send(events, new ProducerRecord<>(topic, room.key(), event.build().toString())).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "An event was not published: {0}", failure.toString());
            }
        });
    }
}
