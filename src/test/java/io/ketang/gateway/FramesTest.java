package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What counts as one frame, and how its numbers are read. */
class FramesTest {

    private static String nested(int depth) {
        // depth levels of objects in all, the frame included
        return "{\"type\":\"send\",\"b\":".repeat(depth - 1) + "{\"type\":\"x\"}" + "}".repeat(depth - 1);
    }

    @Test
    void oneObjectWithAStringTypeIsAFrame() {
        assertThat(Frames.parse("  {\"type\":\"hb\",\"id\":3}\n ")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"hb\"}{\"type\":\"hb\"}", "{\"type\":\"hb\"} garbage", "{\"type\":\"hb\"}]",
            "{\"type\":\"hb\"},", "[{\"type\":\"hb\"}]", "\"hb\"", "", "{\"type\":\"hb\""})
    void anythingButExactlyOneObjectIsNot(String text) {
        assertThat(Frames.parse(text)).isNull();
    }

    @Test
    void framesNestedPastTheLimitAreRefusedWithoutThrowing() {
        assertThat(Frames.parse(nested(Frames.MAX_DEPTH))).isNotNull();
        assertThat(Frames.parse(nested(Frames.MAX_DEPTH + 1))).isNull();
        assertThat(Frames.parse("{\"type\":\"x\",\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")).isNull();
    }

    @Test
    void integersOutsideTheirRangeOrOfAnotherKindAreBadFrames() {
        JsonObject frame = Frames.parse("{\"type\":\"pull\",\"neg\":-1,\"huge\":18446744073709551617,\"exp\":1e999999,"
                + "\"frac\":1.5,\"text\":\"7\",\"ok\":42}");
        assertThat(Frames.integer(frame, "ok", 0, 0, Long.MAX_VALUE)).isEqualTo(42);
        assertThat(Frames.integer(frame, "absent", 9, 0, Long.MAX_VALUE)).isEqualTo(9);
        for (String field : new String[] {"neg", "huge", "exp", "frac", "text"}) {
            assertThatThrownBy(() -> Frames.integer(frame, field, 0, 0, Long.MAX_VALUE)).as(field)
                    .isInstanceOf(Frames.BadFrame.class).hasMessageContaining(field);
        }
    }

    @Test
    void anIdThatIsNotALongIsNoId() {
        assertThat(Frames.id(Frames.parse("{\"type\":\"hb\",\"id\":7}"))).isEqualTo(7L);
        JsonObject huge = Frames.parse("{\"type\":\"hb\",\"id\":18446744073709551617}");
        assertThat(Frames.id(huge)).isNull();
        assertThat(Frames.hasId(huge)).isTrue();
    }
}
