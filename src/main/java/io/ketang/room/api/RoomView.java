package io.ketang.room.api;

import java.time.Instant;

import io.ketang.shared.RoomRef;

/**
 * A room as others see it.
 *
 * @param ref        business and room id
 * @param title      shown to participants
 * @param teacherUin the room's teacher
 * @param status     where it is in its lifecycle
 * @param groupSize  students per small-class group, 0 for no groups
 * @param chatMode   who may chat
 * @param createdAt  when it was created
 * @param openedAt   when it went live, or null
 * @param closedAt   when it ended, or null
 */
public record RoomView(RoomRef ref, String title, long teacherUin, RoomStatus status, int groupSize,
                       ChatMode chatMode, Instant createdAt, Instant openedAt, Instant closedAt) {
}
