package io.ketang.gateway;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** The clients' WebSocket, {@code /ws}, subprotocol {@code ketang.v1}; everything else is in {@link Gateway}. */
@ServerEndpoint(value = "/ws", subprotocols = "ketang.v1", configurator = OriginCheck.class)
@Dependent // a CDI bean, one instance per connection, so that the gateway is injected
public class KetangEndpoint {

    /** Frames larger than this are refused by the container; smaller ones are checked by the gateway. */
    static final int CONTAINER_FRAME_LIMIT = 64 * 1024;

    @Inject
    Gateway gateway;

    @OnOpen
    public void open(Session session) {
        gateway.opened(session);
    }

    @OnMessage(maxMessageSize = CONTAINER_FRAME_LIMIT)
    public void message(Session session, String text) {
        gateway.received(session, text);
    }

    /** The answer to a ping the session's writer sent to learn that the client reads. */
    @OnMessage
    public void pong(Session session, PongMessage pong) {
        gateway.ponged(session, pong.getApplicationData());
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        gateway.closed(session);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // the close callback follows and cleans up; a client's broken socket is not our error
    }
}
