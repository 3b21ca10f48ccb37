package io.ketang.localstack;

import java.io.IOException;

/** One server of the local stack: it can be stopped and started again, as tests that pull the plug do. */
public interface StackService {

    String name();

    /** Starts the server and returns once it answers. */
    void start() throws IOException;

    /** Stops the server; does nothing when it is not running. */
    void stop();

    boolean isRunning();

    /** Kills the server as a crash would (SIGKILL); servers without a crash of their own just stop. */
    default void kill() {
        stop();
    }

    /** Stops a copy of this server that a crashed earlier run left behind on our ports and data. */
    void stopStale();
}
