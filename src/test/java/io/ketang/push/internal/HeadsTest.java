package io.ketang.push.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.ketang.shared.RoomRef;

class HeadsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Heads heads = new Heads(250, 1_000, now::get);
    private final RoomRef room = new RoomRef("b", "r");
    private final AtomicInteger reads = new AtomicInteger();
    private long redisHead = 5;
    private boolean redisAway;

    private long read(RoomRef r) {
        reads.incrementAndGet();
        if (redisAway) {
            throw new IllegalStateException("Redis away");
        }
        return redisHead;
    }

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void aRoomsHeadIsReadOnceWhileFresh() {
        assertThat(heads.head(room, this::read)).isEqualTo(5);
        redisHead = 9;
        advanceMs(249);
        assertThat(heads.head(room, this::read)).isEqualTo(5);
        assertThat(reads).hasValue(1);
        advanceMs(1);
        assertThat(heads.head(room, this::read)).isEqualTo(9);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aSeqSeenHereRaisesTheHeadBeforeTheNextRead() {
        heads.head(room, this::read);
        heads.saw(room, 7);
        assertThat(heads.head(room, this::read)).isEqualTo(7);
        heads.saw(room, 6);
        assertThat(heads.head(room, this::read)).isEqualTo(7);
    }

    @Test
    void whileRedisFailsTheLastHeadStandsAndRedisIsNotAskedForTheBackoff() {
        heads.head(room, this::read);
        redisAway = true;
        advanceMs(300);
        assertThat(heads.head(room, this::read)).isEqualTo(5);
        assertThat(reads).hasValue(2);
        advanceMs(999);
        assertThat(heads.head(room, this::read)).isEqualTo(5);
        assertThat(reads).as("no read during the backoff").hasValue(2);
        redisAway = false;
        redisHead = 12;
        advanceMs(1);
        assertThat(heads.head(room, this::read)).isEqualTo(12);
    }

    @Test
    void whileOneCallerReadsTheOthersGetTheLastHeadAtOnce() throws Exception {
        heads.head(room, this::read);
        advanceMs(300);
        var inRead = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var slowReader = new Thread(() -> heads.head(room, r -> {
            inRead.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 8;
        }));
        slowReader.start();
        inRead.await();
        assertThat(heads.head(room, this::read)).as("not waiting on the read in flight").isEqualTo(5);
        assertThat(reads).hasValue(1);
        release.countDown();
        slowReader.join();
        assertThat(heads.head(room, this::read)).isEqualTo(8);
    }

    @Test
    void aRoomNeverReadFailsAsRedisDoes() {
        redisAway = true;
        assertThatThrownBy(() -> heads.head(room, this::read)).hasMessage("Redis away");
    }
}
