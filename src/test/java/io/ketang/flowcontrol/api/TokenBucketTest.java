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

    @Test
    void aChargeBeyondWhatIsLeftIsPaidByWaiting() {
        long now = 0;
        TokenBucket bucket = new TokenBucket(10, 20, now);
        bucket.charge(25, now);
        // 5 tokens owed: the next one comes after 6 tokens' worth of time
        assertThat(bucket.tryTake(now)).isFalse();
        assertThat(bucket.millisUntilNext(now)).isEqualTo(600);
        assertThat(bucket.tryTake(now + 599_000_000L)).isFalse();
        assertThat(bucket.tryTake(now + 600_000_000L)).isTrue();
    }

    @Test
    void theDebtIsBoundedByOneBurst() {
        TokenBucket bucket = new TokenBucket(10, 20, 0);
        bucket.charge(1_000, 0);
        // at most one burst (20) owed: 21 tokens to refill before the next, 2.1 s at 10/s
        assertThat(bucket.millisUntilNext(0)).isEqualTo(2_100);
    }

    @Test
    void aBucketIsFullOnceItHasRefilledToItsBurst() {
        TokenBucket bucket = new TokenBucket(10, 20, 0);
        assertThat(bucket.full(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.full(0)).isFalse();
        assertThat(bucket.full(SECOND / 10)).isTrue();
    }
}
