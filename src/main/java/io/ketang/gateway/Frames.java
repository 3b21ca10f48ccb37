package io.ketang.gateway;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading client frames and writing server frames; one JSON object per text frame. */
final class Frames {

    private Frames() {
    }

    /** The frame as a JSON object with a string {@code type}, or null when it is not one. */
    static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return null;
            }
            JsonObject frame = value.asJsonObject();
            return frame.get("type") instanceof JsonString ? frame : null;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    /** The frame's {@code id}, when it has an integer one. */
    static Long id(JsonObject frame) {
        JsonValue id = frame.get("id");
        if (id instanceof JsonNumber n && n.isIntegral()) {
            return n.longValue();
        }
        return null;
    }

    /** The frame's integer field, or {@code fallback} when it is absent or not an integer. */
    static long integer(JsonObject frame, String name, long fallback) {
        return frame.get(name) instanceof JsonNumber n && n.isIntegral() ? n.longValue() : fallback;
    }

    static String string(JsonObject frame, String name) {
        return frame.get(name) instanceof JsonString s ? s.getString() : null;
    }

    static JsonObjectBuilder reply(String type, Long id) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("type", type);
        if (id != null) {
            b.add("id", id);
        }
        return b;
    }

    /** A JSON array of frames that are already encoded. */
    static jakarta.json.JsonArrayBuilder array(java.util.List<String> frames) {
        var array = Json.createArrayBuilder();
        for (String f : frames) {
            try (JsonReader reader = Json.createReader(new StringReader(f))) {
                array.add(reader.readObject());
            }
        }
        return array;
    }

    static String error(Long id, ErrorCode code, String message) {
        return reply("error", id).add("code", code.name()).add("message", message).build().toString();
    }
}
