package io.ketang.room.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.ketang.push.api.Pushes;
import io.ketang.push.api.RoomControl;
import io.ketang.push.api.RoomControlArrived;
import io.ketang.room.internal.KickList;
import io.ketang.room.internal.RoomDirectory;
import io.ketang.room.internal.RoomStore;
import io.ketang.shared.RoomRef;

/**
 * Rooms and their lifecycle: create, open, close, read, list; who may enter; kicks. Closing and
 * kicking reach every node through the bus; the call returns once Kafka has the change, and fails
 * with {@link RoomsUnavailableException} if it could not be told (it is then safe to retry).
 */
@ApplicationScoped
public class Rooms {

    private static final long BUS_TIMEOUT_MS = 10_000;

    @Inject
    RoomStore store;

    @Inject
    RoomDirectory directory;

    @Inject
    KickList kicks;

    @Inject
    Pushes pushes;

    /** Creates a room in state created; {@link RoomConflictException} if it exists. */
    public RoomView create(NewRoom room) {
        RoomView created = store.create(room);
        directory.forget(room.ref());
        return created;
    }

    /** The room as stored now. */
    public Optional<RoomView> find(RoomRef ref) {
        return store.find(ref);
    }

    /**
     * The room as this node last read it, at most {@code ketang.room.cache-ms} ago: what the REST
     * API checks before it reads or writes anything of a room, without a database round trip each time.
     */
    public Optional<RoomView> cached(RoomRef ref) {
        return directory.find(ref);
    }

    /** A page of a business's rooms ordered by room id, after {@code afterRoomId}. */
    public List<RoomView> list(String bid, Optional<RoomStatus> status, String idPrefix, String afterRoomId, int limit) {
        return store.list(bid, status, idPrefix, afterRoomId, limit);
    }

    /** Makes the room live; empty if there is no such room. */
    public Optional<RoomView> open(RoomRef ref) {
        Optional<RoomView> room = store.transition(ref, RoomStatus.LIVE);
        room.ifPresent(r -> tell(new RoomControl(ref, RoomControl.Action.OPENED, 0, "")));
        return room;
    }

    /** Ends the room: everyone in it, on every node, is told and removed. Repeating it is harmless. */
    public Optional<RoomView> close(RoomRef ref) {
        Optional<RoomView> room = store.transition(ref, RoomStatus.ENDED);
        room.ifPresent(r -> tell(new RoomControl(ref, RoomControl.Action.CLOSED, 0, "closed")));
        return room;
    }

    /**
     * Changes who may chat in the room: every node forgets what it cached of the room, and the room
     * is told with an important message ({@code chat.mode}). Empty if there is no such room.
     */
    public Optional<RoomView> changeChatMode(RoomRef ref, ChatMode mode) {
        Optional<RoomView> room = store.setChatMode(ref, mode);
        room.ifPresent(r -> {
            tell(new RoomControl(ref, RoomControl.Action.CHANGED, 0, "chat mode"));
            try {
                pushes.publish(new io.ketang.push.api.RoomMessage(ref, io.ketang.push.api.Target.ROOM, "chat.mode", 0, "system",
                        "{\"chatMode\":\"" + mode.wireName() + "\"}", System.currentTimeMillis()), io.ketang.push.api.Priority.IMPORTANT)
                        .toCompletableFuture().get(BUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new RoomsUnavailableException("the chat mode was saved but the room was not told; retry", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RoomsUnavailableException("interrupted", e);
            }
        });
        return room;
    }

    /** Removes the user from the room on every node and keeps them out for the configured period. */
    public void kick(RoomRef ref, long uin) {
        kicks.ban(ref, uin);
        tell(new RoomControl(ref, RoomControl.Action.KICKED, uin, "kicked"));
    }

    /** Whether the user may enter the room now; answered from this node's short-lived cache. */
    public Admission admit(RoomRef ref, long uin) {
        Optional<RoomView> room = directory.find(ref);
        if (room.isEmpty()) {
            return new Admission(Admission.Outcome.NO_SUCH_ROOM, null, 0);
        }
        if (room.get().status() != RoomStatus.LIVE) {
            return new Admission(Admission.Outcome.NOT_LIVE, room.get(), 0);
        }
        long banned = kicks.remainingMs(ref, uin);
        if (banned > 0) {
            return new Admission(Admission.Outcome.KICKED, room.get(), banned);
        }
        return new Admission(Admission.Outcome.ADMITTED, room.get(), 0);
    }

    void onControl(@Observes RoomControlArrived arrived) {
        directory.forget(arrived.control().room());
    }

    private void tell(RoomControl control) {
        directory.forget(control.room());
        try {
            pushes.control(control).toCompletableFuture().get(BUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new RoomsUnavailableException("the room change was saved but not yet told to every node; retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoomsUnavailableException("interrupted", e);
        }
    }
}
