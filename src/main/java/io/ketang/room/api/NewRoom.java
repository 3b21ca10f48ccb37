package io.ketang.room.api;

import io.ketang.shared.RoomRef;

/**
 * What a business asks for when it creates a room.
 *
 * @param ref        business and room id
 * @param title      1..200 characters, none of them a control character
 * @param teacherUin the teacher, a positive uin
 * @param groupSize  students per small-class group, 0 (no groups) to 10,000
 * @param chatMode   who may chat
 */
public record NewRoom(RoomRef ref, String title, long teacherUin, int groupSize, ChatMode chatMode) {

    public static final int MAX_TITLE = 200;
    public static final int MAX_GROUP_SIZE = 10_000;

    public NewRoom {
        if (title == null || title.isBlank() || title.length() > MAX_TITLE) {
            throw new IllegalArgumentException("title must be 1.." + MAX_TITLE + " characters");
        }
        if (title.chars().anyMatch(Character::isISOControl)) {
            // PostgreSQL's text cannot hold NUL, and no title needs a control character
            throw new IllegalArgumentException("title must not contain control characters");
        }
        if (teacherUin <= 0) {
            throw new IllegalArgumentException("teacherUin must be positive");
        }
        if (groupSize < 0 || groupSize > MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("groupSize must be 0.." + MAX_GROUP_SIZE);
        }
        if (chatMode == null) {
            throw new IllegalArgumentException("chatMode is required");
        }
    }
}
