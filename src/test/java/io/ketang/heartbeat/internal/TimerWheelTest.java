package io.ketang.heartbeat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimerWheelTest {

    @Test
    void keysExpireAtTheirDeadlineAndNotBefore() {
        TimerWheel<String> wheel = new TimerWheel<>(250);
        wheel.schedule("a", 1_000);
        wheel.schedule("b", 1_100);
        wheel.schedule("c", 5_000);
        assertThat(wheel.expire(999)).isEmpty();
        assertThat(wheel.expire(1_050)).containsExactly("a");
        assertThat(wheel.expire(1_099)).isEmpty();
        assertThat(wheel.expire(1_100)).containsExactly("b");
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.expire(10_000)).containsExactly("c");
    }

    @Test
    void aHeartbeatPushesTheDeadlineOut() {
        TimerWheel<String> wheel = new TimerWheel<>(250);
        wheel.schedule("a", 1_000);
        wheel.schedule("a", 7_000);
        assertThat(wheel.expire(6_999)).isEmpty();
        assertThat(wheel.expire(7_000)).containsExactly("a");
        assertThat(wheel.expire(20_000)).isEmpty();
    }

    @Test
    void cancelledKeysNeverExpire() {
        TimerWheel<String> wheel = new TimerWheel<>(250);
        wheel.schedule("a", 1_000);
        wheel.schedule("p1-b", 1_000);
        wheel.schedule("p2-c", 1_000);
        wheel.cancel("a");
        wheel.cancelIf(k -> k.startsWith("p1-"));
        assertThat(wheel.expire(2_000)).containsExactly("p2-c");
    }

    @Test
    void manyKeysExpireTogether() {
        TimerWheel<Integer> wheel = new TimerWheel<>(1000);
        for (int i = 0; i < 60_000; i++) {
            wheel.schedule(i, 60_000 + (i % 1000));
        }
        assertThat(wheel.expire(59_999)).isEmpty();
        assertThat(wheel.expire(61_000)).hasSize(60_000);
        assertThat(wheel.size()).isZero();
    }
}
