package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A sweep that runs late excuses the silence it caused, for one timeout and no longer. */
class SweepLagTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long TIMEOUT = 6 * SECOND;

    @Test
    void sweepsOnTimeExcuseNothing() {
        SweepLag lag = new SweepLag(SECOND);
        for (long t = 0; t <= 10 * SECOND; t += SECOND + 100_000_000L) {
            assertThat(lag.sweep(t)).isZero();
        }
        assertThat(lag.within(10 * SECOND, TIMEOUT)).isZero();
    }

    @Test
    void aSweepSecondsLateMovesTheDeadlineByItsLatenessUntilATimeoutHasPassed() {
        SweepLag lag = new SweepLag(SECOND);
        lag.sweep(0);
        lag.sweep(SECOND);
        assertThat(lag.sweep(5 * SECOND)).as("due at 2 s, ran at 5 s").isEqualTo(3 * SECOND);
        assertThat(lag.within(5 * SECOND, TIMEOUT)).isEqualTo(3 * SECOND);

        lag.sweep(6 * SECOND);
        assertThat(lag.within(6 * SECOND, TIMEOUT)).isEqualTo(3 * SECOND);
        assertThat(lag.within(11 * SECOND, TIMEOUT)).isEqualTo(3 * SECOND);
        assertThat(lag.within(11 * SECOND + 1, TIMEOUT)).as("a timeout after the stall").isZero();
    }

    @Test
    void stallsWithinOneTimeoutAddUp() {
        SweepLag lag = new SweepLag(SECOND);
        lag.sweep(0);
        lag.sweep(3 * SECOND);
        lag.sweep(4 * SECOND);
        lag.sweep(7 * SECOND);
        assertThat(lag.within(7 * SECOND, TIMEOUT)).isEqualTo(4 * SECOND);
    }

    @Test
    void theFirstSweepHasNothingToBeLateFor() {
        SweepLag lag = new SweepLag(SECOND);
        assertThat(lag.sweep(42 * SECOND)).isZero();
    }
}
