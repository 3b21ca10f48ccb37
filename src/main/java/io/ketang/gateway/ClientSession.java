package io.ketang.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import jakarta.websocket.Session;

import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/**
 * One client connection: its socket, its writer, and once {@code hello} succeeded, who it is.
 * Frames of one session arrive one at a time (the container serializes them); the fields that
 * other threads read are volatile or concurrent.
 */
final class ClientSession {

    final Session socket;
    final SessionWriter writer;
    final Set<RoomRef> rooms = ConcurrentHashMap.newKeySet();
    volatile Identity identity;
    volatile Terminal terminal;
    volatile Future<?> helloDeadline;

    ClientSession(Session socket, SessionWriter writer) {
        this.socket = socket;
        this.writer = writer;
    }

    String id() {
        return socket.getId();
    }

    boolean authenticated() {
        return identity != null;
    }

    void send(String frame) {
        writer.offer(frame);
    }
}
