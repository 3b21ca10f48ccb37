package io.ketang.membership.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.ketang.membership.internal.MemberEntry;
import io.ketang.platform.messaging.KafkaSender;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/** Writes session entries to the compacted members topic: a value to join, a tombstone to leave. */
@ApplicationScoped
public class MemberLog {

    @Inject
    KafkaSender sender;

    @Inject
    @Channel("members-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
    Emitter<ProducerRecord<String, String>> emitter;

    @Inject
    @ConfigProperty(name = "ketang.topic.members.name")
    String topic;

    public CompletionStage<Void> put(MemberEntry entry) {
        return send(MemberRecords.key(entry.room(), entry.uin(), entry.terminal()), MemberRecords.value(entry));
    }

    public CompletionStage<Void> remove(RoomRef room, long uin, Terminal terminal) {
        return send(MemberRecords.key(room, uin, terminal), null);
    }

    private CompletionStage<Void> send(String key, String value) {
        return sender.send(emitter, new ProducerRecord<>(topic, key, value));
    }
}
