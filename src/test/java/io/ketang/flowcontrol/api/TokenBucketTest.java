package io.ketang.flowcontrol.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketAllowsTheBurstThenRefusesUntilTimePasses() {
        long now = 5 * SECOND;
        TokenBucket bucket = new TokenBucket(10, 20, now);
        for (int i = 0; i < 20; i++) {
            assertThat(bucket.tryTake(now)).as("frame %d of the burst", i).isTrue();
        }
        assertThat(bucket.tryTake(now)).isFalse();
        assertThat(bucket.millisUntilNext(now)).isEqualTo(100);

        now += SECOND / 10;
        assertThat(bucket.tryTake(now)).isTrue();
        assertThat(bucket.tryTake(now)).isFalse();
    }

    @Test
    void sustainedRateIsTheConfiguredOne() {
        long now = 0;
        TokenBucket bucket = new TokenBucket(10, 20, now);
        int admitted = 0;
        // one attempt every millisecond for ten seconds
        for (int ms = 0; ms < 10_000; ms++) {
            now = ms * 1_000_000L;
            if (bucket.tryTake(now)) {
                admitted++;
            }
        }
        // the burst, plus ten a second
        assertThat(admitted).isBetween(20 + 99, 20 + 100);
    }

    @Test
    void savedTokensNeverExceedTheBurst() {
        TokenBucket bucket = new TokenBucket(50, 5, 0);
        long later = 3600 * SECOND;
        int admitted = 0;
        while (bucket.tryTake(later)) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(5);
    }
}
