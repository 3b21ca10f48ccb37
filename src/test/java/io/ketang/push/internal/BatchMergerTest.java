package io.ketang.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ketang.shared.RoomRef;

class BatchMergerTest {

    static final RoomRef SMALL = new RoomRef("b", "small");
    static final RoomRef LARGE = new RoomRef("b", "large");
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aFloodKeepsAtMostTheCapacityAndCountsTheRest() {
        BatchMerger merger = new BatchMerger(10, Integer.MAX_VALUE);
        for (int i = 0; i < 1_000; i++) {
            merger.add(SMALL, "{\"n\":" + i + "}", 0);
        }
        List<BatchMerger.Batch> batches = merger.drain();
        assertThat(batches).singleElement().satisfies(b -> {
            assertThat(b.items()).hasSize(10).doesNotHaveDuplicates();
            assertThat(b.dropped()).isEqualTo(990);
        });
        assertThat(merger.drain()).isEmpty();
    }

    @Test
    void aLargeRoomsWindowStaysOpenForItsLengthWhileASmallRoomsGoesAtEveryFlush() {
        BatchMerger merger = new BatchMerger(100, Integer.MAX_VALUE);
        // 60,000 members at 50,000 frames a second: a window of 1.2 s (due at 1.1 s, with 200 ms flushes)
        long large = Delivery.windowNanos(200, 50_000, 60_000);
        long small = Delivery.windowNanos(200, 50_000, 1_000);
        assertThat(large).isEqualTo(1_100 * MS);
        assertThat(small).isZero();

        merger.add(LARGE, "{\"a\":1}", 0);
        merger.add(SMALL, "{\"b\":1}", 0);
        List<BatchMerger.Batch> first = merger.drain(200 * MS, room -> room.equals(LARGE) ? large : small);
        assertThat(first).extracting(BatchMerger.Batch::room).containsExactly(SMALL);

        merger.add(LARGE, "{\"a\":2}", 600 * MS);
        assertThat(merger.drain(1_000 * MS, room -> room.equals(LARGE) ? large : small)).isEmpty();
        List<BatchMerger.Batch> later = merger.drain(1_200 * MS, room -> room.equals(LARGE) ? large : small);
        assertThat(later).singleElement().satisfies(b -> assertThat(b.items()).containsExactly("{\"a\":1}", "{\"a\":2}"));
    }

    @Test
    void aBatchCarriesAtMostItsCharactersAndCountsWhatItLeftOut() {
        BatchMerger merger = new BatchMerger(100, 1_000);
        String item = "{\"text\":\"" + "x".repeat(88) + "\"}"; // 99 characters
        for (int i = 0; i < 150; i++) {
            merger.add(SMALL, item, 0);
        }
        assertThat(merger.drain()).singleElement().satisfies(b -> {
            // ten items and nine commas are 999 characters; an eleventh would pass 1,000
            assertThat(b.items()).hasSize(10);
            assertThat(String.join(",", b.items())).hasSize(999);
            assertThat(b.dropped()).isEqualTo(140);
        });
    }

    @Test
    void anItemLargerThanTheBudgetStillGoesAlone() {
        BatchMerger merger = new BatchMerger(100, 10);
        merger.add(SMALL, "{\"text\":\"longer than ten\"}", 0);
        merger.add(SMALL, "{\"n\":2}", 0);
        assertThat(merger.drain()).singleElement().satisfies(b -> {
            assertThat(b.items()).containsExactly("{\"text\":\"longer than ten\"}");
            assertThat(b.dropped()).isEqualTo(1);
        });
    }
}
