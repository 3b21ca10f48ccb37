package io.ketang.heartbeat.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ketang.heartbeat.api.Beat;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.internal.BeatKey;
import io.ketang.platform.messaging.KafkaSender;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/** Writes merged heartbeats (keyed by bid/room/uin, so each has one owner) and exit notifications (keyed by bid). */
@ApplicationScoped
public class HeartbeatChannel {

    @Inject
    KafkaSender sender;

    @Inject
    @Channel("heartbeats-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 100_000)
    Emitter<ProducerRecord<String, String>> beats;

    @Inject
    @Channel("exits-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
    Emitter<ProducerRecord<String, String>> exits;

    @Inject
    @ConfigProperty(name = "ketang.topic.heartbeats.name")
    String beatsTopic;

    @Inject
    @ConfigProperty(name = "ketang.topic.exits.name")
    String exitsTopic;

    public CompletionStage<Void> beat(Beat beat) {
        return send(beats, new ProducerRecord<>(beatsTopic, new BeatKey(beat.room(), beat.uin()).kafkaKey(),
                HeartbeatRecords.beat(beat)));
    }

    public CompletionStage<Void> exit(RoomRef room, long uin, Terminal terminal, ExitReason reason) {
        return send(exits, new ProducerRecord<>(exitsTopic, room.bid(),
                HeartbeatRecords.exit(room, uin, terminal, reason, System.currentTimeMillis())));
    }

    private CompletionStage<Void> send(Emitter<ProducerRecord<String, String>> emitter, ProducerRecord<String, String> record) {
        return sender.send(emitter, record);
    }
}
