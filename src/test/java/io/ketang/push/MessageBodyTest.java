package io.ketang.push;

import static io.ketang.shared.Jsonp.JSON;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.ketang.push.api.MessageBody;

class MessageBodyTest {

    private static JsonObject nested(int depth) {
        String text = "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
        return JSON.createReader(new StringReader(text)).readObject();
    }

    @Test
    void aBodyWithinTheLimitsIsEncodedAsItIs() {
        assertThat(MessageBody.encode(nested(MessageBody.MAX_DEPTH))).startsWith("{\"a\":{\"a\":");
        assertThat(MessageBody.encode(JSON.createObjectBuilder().add("text", "你好").build())).isEqualTo("{\"text\":\"你好\"}");
    }

    @Test
    void aBodyTooDeepIsRefused() {
        assertThatThrownBy(() -> MessageBody.encode(nested(MessageBody.MAX_DEPTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(MessageBody.TooLarge.class)
                .hasMessageContaining("nests");
        JsonObject arrays = JSON.createReader(new StringReader("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")).readObject();
        assertThatThrownBy(() -> MessageBody.encode(arrays)).hasMessageContaining("nests");
    }

    @Test
    void aBodyTooLargeIsRefusedAsSuch() {
        // 6,000 three-byte characters: 18,000 bytes though only 6,000 chars
        JsonObject big = JSON.createObjectBuilder().add("text", "课".repeat(6_000)).build();
        assertThatThrownBy(() -> MessageBody.encode(big)).isInstanceOf(MessageBody.TooLarge.class);
    }
}
