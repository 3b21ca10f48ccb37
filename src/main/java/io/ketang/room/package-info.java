/**
 * Room: rooms and their lifecycle (created, live, ended) in PostgreSQL, roles and rights, and the
 * classroom interactions (chat, hand raise, flowers, quiz, sign-in, red packets, mute, kick).
 * Other contexts see {@code room.api} only.
 */
package io.ketang.room;
