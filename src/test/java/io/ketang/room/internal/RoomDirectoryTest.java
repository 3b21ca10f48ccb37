package io.ketang.room.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.ketang.room.api.ChatMode;
import io.ketang.room.api.RoomStatus;
import io.ketang.room.api.RoomView;
import io.ketang.shared.RoomRef;

class RoomDirectoryTest {

    static final RoomRef ROOM = new RoomRef("school", "math-1");
    static final RoomView LIVE = new RoomView(ROOM, "Math", 1, RoomStatus.LIVE, 0, ChatMode.OPEN, Instant.EPOCH, Instant.EPOCH, null);

    /** A database that answers until it is stopped, counting its reads. */
    static final class Store extends RoomStore {
        volatile boolean away;
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<RoomView> find(RoomRef ref) {
            reads.incrementAndGet();
            if (away) {
                throw new IllegalStateException("connection refused");
            }
            return ref.equals(ROOM) ? Optional.of(LIVE) : Optional.empty();
        }
    }

    long now;

    @Test
    void aRoomIsReadOncePerIntervalAndAgainAfterIt() {
        Store store = new Store();
        RoomDirectory directory = directory(store);
        assertThat(directory.find(ROOM)).contains(LIVE);
        now += 1_000_000_000L;
        assertThat(directory.find(ROOM)).contains(LIVE);
        assertThat(store.reads).hasValue(1);
        now += 1_500_000_000L;
        directory.find(ROOM);
        assertThat(store.reads).hasValue(2);
    }

    @Test
    void withTheDatabaseAwayAKnownRoomIsServedAsLastReadAndAnUnknownOneFails() {
        Store store = new Store();
        RoomDirectory directory = directory(store);
        assertThat(directory.find(ROOM)).contains(LIVE);
        store.away = true;
        now += 10_000_000_000L; // long past the 2 s interval
        assertThat(directory.find(ROOM)).as("a known class goes on joining").contains(LIVE);
        assertThat(store.reads).as("the database was asked first").hasValue(2);
        // a room never read: refused at once, without another wait on the database
        assertThatThrownBy(() -> directory.find(new RoomRef("school", "never-read"))).hasMessageContaining("failed within");
        assertThat(store.reads).hasValue(2);
        now += 2_500_000_000L; // past the interval: the database is asked again
        assertThatThrownBy(() -> directory.find(new RoomRef("school", "never-read"))).hasMessageContaining("refused");
        assertThat(store.reads).hasValue(3);

        store.away = false;
        now += 2_500_000_000L;
        assertThat(directory.find(new RoomRef("school", "never-read"))).isEmpty();
        directory.find(ROOM);
        assertThat(store.reads).as("back: read again").hasValue(5);
    }

    private RoomDirectory directory(Store store) {
        RoomDirectory directory = new RoomDirectory(store, 2_000);
        directory.clock = () -> now;
        return directory;
    }
}
