package io.ketang.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives {@code ketang.node.id} a default that differs between nodes, even two on one machine:
 * {@code <hostname>-<pid>}. Its ordinal is below every other source, so a configured id wins.
 * The id names this node's own consumer groups (each node reads every push) and its sessions.
 */
public final class NodeIdConfigSource implements ConfigSource {

    public static final String NODE_ID = "ketang.node.id";

    private final Map<String, String> values = Map.of(NODE_ID, defaultNodeId());

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host.replaceAll("[^A-Za-z0-9.-]", "-") + "-" + ProcessHandle.current().pid();
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "ketang-node-id-default";
    }

    @Override
    public int getOrdinal() {
        return 1;
    }
}
