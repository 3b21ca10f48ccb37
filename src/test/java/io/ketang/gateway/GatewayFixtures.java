package io.ketang.gateway;

import java.lang.reflect.Proxy;
import java.util.List;

import jakarta.websocket.Session;

import io.ketang.heartbeat.api.ExitReason;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.shared.RoomRef;
import io.ketang.shared.Terminal;

/** The gateway's parts as the unit tests wire them, without a server. */
final class GatewayFixtures {

    private GatewayFixtures() {
    }

    /** Connections with the default settings, its own sessions and rooms; the contexts it talks to are the test's. */
    static Connections connections() {
        Connections connections = new Connections();
        connections.settings = GatewaySettings.DEFAULTS;
        connections.sessions = new LocalSessions();
        connections.sessions.settings = GatewaySettings.DEFAULTS;
        connections.sessions.start();
        connections.rooms = new LocalRooms();
        return connections;
    }

    /** A heartbeat context that notes each exit notice as {@code "room uin reason"}. */
    static Heartbeats exitsInto(List<String> exits) {
        return new Heartbeats() {
            @Override
            public void forget(RoomRef room, long uin) {
            }

            @Override
            public void exit(RoomRef room, long uin, Terminal terminal, ExitReason reason) {
                exits.add(room.room() + " " + uin + " " + reason.wireName());
            }
        };
    }

    /** A socket that knows only its id. */
    static Session socket(String id) {
        return (Session) Proxy.newProxyInstance(GatewayFixtures.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getId") ? id : null);
    }
}
