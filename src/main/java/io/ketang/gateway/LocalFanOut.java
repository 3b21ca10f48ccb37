package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;

import io.ketang.flowcontrol.api.MuteChanged;
import io.ketang.flowcontrol.api.Mutes;
import io.ketang.heartbeat.api.ExitReason;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.push.api.RoomMessageArrived;
import io.ketang.push.api.UserMessageArrived;
import io.ketang.shared.RoomRef;

/**
 * What reaches this node for its clients, handed to their sessions: room messages, messages to
 * users, room changes (a kick, a closed room) and mutes. It never writes to a socket itself: the
 * frames are queued and the {@link Flusher} writes them.
 */
@ApplicationScoped
class LocalFanOut {

    @Inject
    LocalRooms rooms;

    @Inject
    LocalSessions sessions;

    @Inject
    Connections connections;

    @Inject
    Mutes mutes;

    @Inject
    TurnAways turnAways;

    @Inject
    MetricRegistry metrics;

    private Counter deliveries;
    private Counter batchesShed;

    /** Before any message can arrive. */
    @jakarta.annotation.PostConstruct
    void counters() {
        deliveries = metrics.counter("ketang_gateway_deliveries");
        batchesShed = metrics.counter("ketang_gateway_batches_shed");
    }

    void onRoomMessage(@Observes RoomMessageArrived message) {
        LocalRooms.FannedOut fanned = rooms.deliver(message.room(), message.target(), message.frame(), message.seq(),
                message.batch());
        deliveries.inc(fanned.queued());
        if (fanned.shed() > 0) {
            batchesShed.inc(fanned.shed());
        }
    }

    void onUserMessage(@Observes UserMessageArrived message) {
        for (Long uin : message.uins()) {
            sessions.ofUser(message.bid(), uin).forEach(s -> s.sendLater(message.frame()));
        }
    }

    /** A kick or a closed room: the sessions concerned are told ({@code kicked}) and taken out of the room. */
    void onRoomControl(@Observes RoomControlArrived arrived) {
        RoomControl control = arrived.control();
        if (control.action() == RoomControl.Action.OPENED || control.action() == RoomControl.Action.CHANGED) {
            return;
        }
        // noted first: a join admitted before this, that enters after the sweep below, finds it
        turnAways.noted(control, System.nanoTime());
        String kicked = JSON.createObjectBuilder().add("type", "kicked").add("room", control.room().room())
                .add("reason", control.reason()).build().toString();
        for (ClientSession session : rooms.sessions(control.room())) {
            Identity identity = session.identity;
            boolean concerned = control.action() == RoomControl.Action.CLOSED
                    || (identity != null && identity.uin() == control.uin());
            if (concerned) {
                session.sendLater(kicked);
                connections.takeOut(session, control.room(),
                        control.action() == RoomControl.Action.KICKED ? ExitReason.KICKED : ExitReason.CLOSED);
            }
        }
    }

    /** Tells this node's clients in the rooms concerned (one, a business's, or all) that chat was muted or unmuted. */
    void onMuteChanged(@Observes MuteChanged change) {
        for (RoomRef room : rooms.rooms()) {
            boolean concerned = change.bid() == null
                    || (room.bid().equals(change.bid()) && (change.room() == null || room.room().equals(change.room())));
            if (concerned) {
                // what holds for the room now: lifting a business's mute leaves a room's own in place
                String reason = mutes.mutedBecause(room);
                var frame = JSON.createObjectBuilder().add("type", "muted").add("room", room.room()).add("muted", reason != null);
                if (reason != null) {
                    frame.add("reason", reason);
                }
                String text = frame.build().toString();
                rooms.sessions(room).forEach(s -> s.sendLater(text));
            }
        }
    }
}
