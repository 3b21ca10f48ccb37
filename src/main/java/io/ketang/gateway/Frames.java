package io.ketang.gateway;

import static io.ketang.shared.Jsonp.JSON;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import io.ketang.push.api.MessageBody;

/** Reading client frames and writing server frames; one JSON object per text frame. */
final class Frames {

    /** How deep a client frame may nest: its {@code body} may nest {@link MessageBody#MAX_DEPTH} levels. */
    static final int MAX_DEPTH = MessageBody.MAX_DEPTH + 1;

    /**
     * Parsson (Liberty's JSON-P) stops a parse that reaches its {@code maxDepth} with an exception
     * instead of building the whole tree (its default is 1,000): depths below it pass.
     */
    private static final JsonParserFactory PARSERS = JSON.createParserFactory(Map.of("org.eclipse.parsson.maxDepth", MAX_DEPTH + 1));

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Frames() {
    }

    /**
     * A field that is present but not what the protocol allows; the gateway answers it with
     * {@code BAD_FRAME} and the frame's id. No stack trace: it is a client's mistake, not ours.
     */
    static final class BadFrame extends RuntimeException {
        BadFrame(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The frame as a JSON object with a string {@code type}, or null when it is not exactly one:
     * not JSON, not an object, nested deeper than {@link #MAX_DEPTH}, or followed by anything but
     * white space (a second object, garbage).
     */
    static JsonObject parse(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonObject frame = parser.getObject();
            if (parser.hasNext()) {
                return null;
            }
            return frame.get("type") instanceof JsonString ? frame : null;
        } catch (RuntimeException unreadable) {
            // JsonException for bad syntax; Parsson's depth limit throws a bare RuntimeException
            return null;
        }
    }

    /** Whether the frame has an {@code id} field, valid or not. */
    static boolean hasId(JsonObject frame) {
        return frame.containsKey("id");
    }

    /** The frame's {@code id}, when it has an integer one that fits a long. */
    static Long id(JsonObject frame) {
        JsonValue id = frame.get("id");
        if (id instanceof JsonNumber n && n.isIntegral() && fitsLong(n)) {
            return n.longValue();
        }
        return null;
    }

    /**
     * The frame's integer field within {@code min..max}, or {@code fallback} when it is absent.
     *
     * @throws BadFrame when it is present but not an integer in range
     */
    static long integer(JsonObject frame, String name, long fallback, long min, long max) {
        JsonValue value = frame.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof JsonNumber n && n.isIntegral() && fitsLong(n)) {
            long v = n.longValue();
            if (v >= min && v <= max) {
                return v;
            }
        }
        throw new BadFrame(name + " must be an integer in " + min + ".." + max);
    }

    private static boolean fitsLong(JsonNumber n) {
        // compared as decimals: bigIntegerValue() of 1e999999 would build a million-digit number
        BigDecimal d = n.bigDecimalValue();
        return d.compareTo(LONG_MIN) >= 0 && d.compareTo(LONG_MAX) <= 0;
    }

    static String string(JsonObject frame, String name) {
        return frame.get(name) instanceof JsonString s ? s.getString() : null;
    }

    static JsonObjectBuilder reply(String type, Long id) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("type", type);
        if (id != null) {
            b.add("id", id);
        }
        return b;
    }

    /** A JSON array of frames that are already encoded. */
    static jakarta.json.JsonArrayBuilder array(java.util.List<String> frames) {
        var array = JSON.createArrayBuilder();
        for (String f : frames) {
            try (JsonReader reader = JSON.createReader(new StringReader(f))) {
                array.add(reader.readObject());
            }
        }
        return array;
    }

    static String error(Long id, ErrorCode code, String message) {
        return reply("error", id).add("code", code.name()).add("message", message).build().toString();
    }

    /** {@code RATE_LIMITED}, with when to try again. */
    static String rateLimited(Long id, String message, long retryAfterMs) {
        return reply("error", id).add("code", ErrorCode.RATE_LIMITED.name()).add("message", message)
                .add("retryAfterMs", retryAfterMs).build().toString();
    }
}
