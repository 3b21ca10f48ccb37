package io.ketang.push.api;

import java.nio.charset.StandardCharsets;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * What the body of a message may be, whoever sends it: a JSON object nested at most
 * {@link #MAX_DEPTH} levels and at most {@link #MAX_BYTES} bytes encoded. Every receiver parses
 * it and the room's history keeps it, so a body that breaks either is refused before it gets a
 * seq, never accepted and then lost.
 */
public final class MessageBody {

    /** Levels of nesting a body may have, itself included: {@code {"a":{"b":1}}} has 2. */
    public static final int MAX_DEPTH = 16;

    /** Bytes a body may take encoded as UTF-8: a client frame's limit. */
    public static final int MAX_BYTES = 16_384;

    private MessageBody() {
    }

    /**
     * The body encoded, once it is checked.
     *
     * @throws IllegalArgumentException when it nests too deep or is too large; the message says which
     */
    public static String encode(JsonObject body) {
        if (depth(body, 1) > MAX_DEPTH) {
            throw new IllegalArgumentException("body nests more than " + MAX_DEPTH + " levels");
        }
        String encoded = body.toString();
        if (encoded.length() > MAX_BYTES || encoded.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new TooLarge("body is larger than " + MAX_BYTES + " bytes");
        }
        return encoded;
    }

    /** A body over {@link #MAX_BYTES}: a REST caller is told 413, a client TOO_LARGE. */
    public static final class TooLarge extends IllegalArgumentException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** How deep the value nests, counting from {@code level}; stops counting once past the limit. */
    private static int depth(JsonValue value, int level) {
        if (level > MAX_DEPTH) {
            return level;
        }
        int deepest = level;
        if (value instanceof JsonObject object) {
            for (JsonValue v : object.values()) {
                deepest = Math.max(deepest, nested(v, level));
            }
        } else if (value instanceof JsonArray array) {
            for (JsonValue v : array) {
                deepest = Math.max(deepest, nested(v, level));
            }
        }
        return deepest;
    }

    private static int nested(JsonValue v, int level) {
        return v instanceof JsonObject || v instanceof JsonArray ? depth(v, level + 1) : level;
    }
}
