package io.ketang.classroom.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SharesTest {

    @Test
    void everyShareIsAtLeastACentAndTheySumToTheTotal() {
        SplittableRandom random = new SplittableRandom(42);
        long[][] cases = {{100, 100}, {101, 100}, {10_000, 100}, {1, 1}, {999_999, 7}, {5_000, 3_000}, {2, 1}};
        for (long[] c : cases) {
            for (int run = 0; run < 200; run++) {
                long[] shares = Shares.split(c[0], (int) c[1], random);
                assertThat(shares).hasSize((int) c[1]);
                assertThat(Arrays.stream(shares).min().orElseThrow()).as("smallest of %s", Arrays.toString(c)).isGreaterThanOrEqualTo(1);
                assertThat(Arrays.stream(shares).sum()).isEqualTo(c[0]);
            }
        }
    }

    @Test
    void exactlyOneCentEachWhenThatIsAllThereIs() {
        assertThat(Shares.split(50, 50, new SplittableRandom(1))).containsOnly(1L);
    }

    @Test
    void sharesAreNotAllEqual() {
        long[] shares = Shares.split(10_000, 20, new SplittableRandom(7));
        assertThat(Arrays.stream(shares).distinct().count()).isGreaterThan(5);
    }

    @Test
    void impossibleSplitsAreRefused() {
        assertThatThrownBy(() -> Shares.split(9, 10, new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shares.split(10, 0, new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
