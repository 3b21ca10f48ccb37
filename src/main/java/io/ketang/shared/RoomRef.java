package io.ketang.shared;

import java.util.Objects;

/**
 * A room as the whole system names it: the business that owns it and that business's room id.
 * Two businesses may use the same room id; they are different rooms.
 */
public record RoomRef(String bid, String room) {

    public static final int MAX_ID_LENGTH = 128;

    public RoomRef {
        Objects.requireNonNull(bid, "bid");
        Objects.requireNonNull(room, "room");
        if (!validId(bid) || !validId(room)) {
            throw new IllegalArgumentException("bid and room must be 1.." + MAX_ID_LENGTH + " characters of [A-Za-z0-9_.:-]");
        }
    }

    /** Whether a string may be a bid or a room id: short, printable, no separators of ours. */
    public static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The Kafka record key for a room's messages: {@code bid/room}. */
    public String key() {
        return bid + "/" + room;
    }
}
