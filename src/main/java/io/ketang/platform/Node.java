package io.ketang.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** This Ketang node's identity, shown to clients in {@code welcome} and used in its consumer groups. */
@ApplicationScoped
public class Node {

    private String id;

    protected Node() {
        // for CDI's proxy
    }

    @Inject
    public Node(@ConfigProperty(name = NodeIdConfigSource.NODE_ID) String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
