package io.ketang.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;

/**
 * The gateway's settings ({@code ketang.gateway.*}, README), read once from MicroProfile Config.
 *
 * @param helloTimeoutMs     a socket that has not said {@code hello} by then is closed (4408)
 * @param heartbeatSec       the heartbeat interval told in {@code welcome}; three silent intervals close a socket (4000)
 * @param maxFrameBytes      the largest frame a client may send
 * @param outboundQueue      frames a session may have waiting before it counts as too slow (4008)
 * @param studentRate        frames a student may send a second, per terminal
 * @param studentBurst       and save up
 * @param staffRate          frames staff may send a second, per terminal
 * @param staffBurst         and save up
 * @param chatRate           unimportant messages (chat, flowers, hand raise) a user may send a second on one node
 * @param chatBurst          and save up
 * @param floodStrikes       frames refused in a row for the rate limit before the client counts as flooding (4429)
 * @param maxReplyBytes      the most bytes of messages one {@code pulled} or {@code joined} carries
 * @param blockingWrites     writes block on the writing thread while a session keeps up and acks ({@link SessionWriter})
 * @param writeStallMs       a blocking write stuck this long means the client stopped reading (4008)
 * @param ackTimeoutMs       an important message unacked this long while the client heartbeats means it is not reading (4008)
 */
record GatewaySettings(long helloTimeoutMs, int heartbeatSec, int maxFrameBytes, int outboundQueue,
                       double studentRate, int studentBurst, double staffRate, int staffBurst,
                       double chatRate, int chatBurst, int floodStrikes, int maxReplyBytes,
                       boolean blockingWrites, long writeStallMs, long ackTimeoutMs) {

    /** The defaults, as a node without configuration runs. */
    static final GatewaySettings DEFAULTS = new GatewaySettings(5_000, 20, 16_384, 1_024, 10, 20, 50, 100, 2, 5, 20, 65_536,
            true, 5_000, 30_000);

    static GatewaySettings read(Config config) {
        GatewaySettings d = DEFAULTS;
        return new GatewaySettings(
                value(config, "hello-timeout-ms", Long.class, d.helloTimeoutMs()),
                value(config, "heartbeat-sec", Integer.class, d.heartbeatSec()),
                value(config, "max-frame-bytes", Integer.class, d.maxFrameBytes()),
                value(config, "outbound-queue", Integer.class, d.outboundQueue()),
                value(config, "student-frames-per-sec", Double.class, d.studentRate()),
                value(config, "student-burst", Integer.class, d.studentBurst()),
                value(config, "staff-frames-per-sec", Double.class, d.staffRate()),
                value(config, "staff-burst", Integer.class, d.staffBurst()),
                value(config, "chat-per-sec", Double.class, d.chatRate()),
                value(config, "chat-burst", Integer.class, d.chatBurst()),
                value(config, "flood-strikes", Integer.class, d.floodStrikes()),
                value(config, "max-reply-bytes", Integer.class, d.maxReplyBytes()),
                value(config, "blocking-writes", Boolean.class, d.blockingWrites()),
                value(config, "write-stall-ms", Long.class, d.writeStallMs()),
                value(config, "ack-timeout-ms", Long.class, d.ackTimeoutMs()));
    }

    private static <T> T value(Config config, String name, Class<T> type, T fallback) {
        return config.getOptionalValue("ketang.gateway." + name, type).orElse(fallback);
    }

    /** Makes the settings injectable. */
    @ApplicationScoped
    static class Source {

        @jakarta.inject.Inject
        Config config;

        @Produces
        GatewaySettings settings() {
            return read(config);
        }
    }
}
