package io.ketang.push.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How often a room's members are asked to ack: once a second, until the room's acks would pass the budget. */
class AckPaceTest {

    @Test
    void aClassUpToTheBudgetAcksEverySecond() {
        assertThat(Pushes.ackEveryMs(0, 10_000)).isEqualTo(1_000);
        assertThat(Pushes.ackEveryMs(30, 10_000)).isEqualTo(1_000);
        assertThat(Pushes.ackEveryMs(10_000, 10_000)).isEqualTo(1_000);
    }

    @Test
    void aLargerClassAcksLessOftenSoItsAcksStayWithinTheBudget() {
        assertThat(Pushes.ackEveryMs(20_000, 10_000)).isEqualTo(2_000);
        assertThat(Pushes.ackEveryMs(60_000, 10_000)).isEqualTo(6_000);
        // 60,000 members acking every 6 s: 10,000 acks a second
        assertThat(60_000 * 1_000L / Pushes.ackEveryMs(60_000, 10_000)).isEqualTo(10_000);
    }

    @Test
    void aBudgetOfZeroIsTakenAsOne() {
        assertThat(Pushes.ackEveryMs(5, 0)).isEqualTo(5_000);
    }
}
