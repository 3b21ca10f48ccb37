package io.ketang.membership.api;

import java.util.Map;

import io.ketang.shared.Role;

/**
 * How many are in a room.
 *
 * @param total   distinct members
 * @param byRole  members per role
 * @param byGroup members per small-class group
 */
public record RoomCounts(int total, Map<Role, Integer> byRole, Map<String, Integer> byGroup) {
}
