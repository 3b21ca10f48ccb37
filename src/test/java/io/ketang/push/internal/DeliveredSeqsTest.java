package io.ketang.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveredSeqsTest {

    @Test
    void eachSeqIsDeliveredOnceEvenWhenItArrivesLate() {
        DeliveredSeqs seqs = new DeliveredSeqs();
        assertThat(seqs.firstTime(1)).isTrue();
        assertThat(seqs.firstTime(3)).isTrue();
        assertThat(seqs.firstTime(2)).as("late, never delivered").isTrue();
        assertThat(seqs.firstTime(2)).as("redelivered").isFalse();
        assertThat(seqs.firstTime(3)).isFalse();
        assertThat(seqs.firstTime(1)).isFalse();
        assertThat(seqs.firstTime(0)).isFalse();
    }

    @Test
    void theWindowSlidesWithoutRememberingOldSlotsForNewSeqs() {
        DeliveredSeqs seqs = new DeliveredSeqs();
        for (long s = 1; s <= 3 * DeliveredSeqs.WINDOW; s += 2) {
            assertThat(seqs.firstTime(s)).isTrue();
        }
        long highest = 3L * DeliveredSeqs.WINDOW - 1;
        // the even seqs inside the window were skipped over, not delivered: they still go out once
        assertThat(seqs.firstTime(highest - 1)).isTrue();
        assertThat(seqs.firstTime(highest - 1)).isFalse();
        // older than the window: only a redelivery could bring it
        assertThat(seqs.firstTime(highest - DeliveredSeqs.WINDOW)).isFalse();
    }

    @Test
    void aJumpPastTheWholeWindowForgetsEverything() {
        DeliveredSeqs seqs = new DeliveredSeqs();
        assertThat(seqs.firstTime(5)).isTrue();
        long far = 5 + 10L * DeliveredSeqs.WINDOW;
        assertThat(seqs.firstTime(far)).isTrue();
        assertThat(seqs.firstTime(far - 1)).isTrue();
        assertThat(seqs.firstTime(far - DeliveredSeqs.WINDOW + 1)).isTrue();
        assertThat(seqs.firstTime(far)).isFalse();
    }
}
