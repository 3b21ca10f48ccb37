package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

/** A node's stop closes its sockets side by side, and waits for them a bounded time. */
class DrainTest {

    /** A socket whose close runs {@code onClose} and records the close reason's code. */
    private static Session socket(Runnable onClose, List<Integer> codes) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "isOpen":
                    return true;
                case "close":
                    onClose.run();
                    synchronized (codes) {
                        codes.add(((CloseReason) args[0]).getCloseCode().getCode());
                    }
                    return null;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        });
    }

    @Test
    void socketsThatEachWaitOnAWriteAreClosedSideBySide() {
        // each close waits until all of them are closing: one at a time, none would finish
        int n = SocketCloser.DRAIN_THREADS;
        CountDownLatch allClosing = new CountDownLatch(n);
        List<Integer> codes = new ArrayList<>();
        List<Session> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(socket(() -> {
                allClosing.countDown();
                await(allClosing);
            }, codes));
        }
        assertThat(SocketCloser.closeAll(sockets, Disconnect.SHUTTING_DOWN, Duration.ofSeconds(30))).isZero();
        assertThat(codes).hasSize(n).containsOnly(4503);
    }

    @Test
    void theDrainStopsWaitingAtItsBoundAndSaysHowManyWereStillClosing() {
        CountDownLatch never = new CountDownLatch(1);
        List<Integer> codes = new ArrayList<>();
        List<Session> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sockets.add(socket(() -> await(never), codes));
        }
        for (int i = 0; i < 5; i++) {
            sockets.add(socket(() -> { }, codes));
        }
        assertThat(SocketCloser.closeAll(sockets, Disconnect.SHUTTING_DOWN, Duration.ofMillis(300))).isEqualTo(3);
        assertThat(codes).hasSize(5);
        never.countDown();
    }

    @Test
    void nothingToCloseIsDoneAtOnce() {
        assertThat(SocketCloser.closeAll(List.of(), Disconnect.SHUTTING_DOWN, Duration.ofSeconds(30))).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
