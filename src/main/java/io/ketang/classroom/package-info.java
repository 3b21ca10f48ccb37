/**
 * Classroom: the interactions a teacher runs in a room (sign-in, quiz, red packets, hand raise,
 * flowers), held by the server: their state in Redis shared by every node, their records in
 * PostgreSQL, live tallies to staff, the state a joining client draws the class from, the audit
 * log of staff and admin actions, and the events topic for analytics. Uses {@code room.api},
 * {@code push.api}, {@code membership.api} and {@code heartbeat.api}; others use
 * {@code classroom.api}. Kafka only in {@code classroom.messaging}.
 */
package io.ketang.classroom;
