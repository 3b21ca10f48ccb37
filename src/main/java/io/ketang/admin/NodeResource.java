package io.ketang.admin;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.membership.api.Memberships;
import io.ketang.platform.Node;

/** What this node is doing, for operators and the console: {@code GET /api/v1/node} (admin or service token). */
@Path("/v1/node")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Node", description = "This node's identity and share of the cluster's work")
public class NodeResource {

    @Inject
    Node node;

    @Inject
    Heartbeats heartbeats;

    @Inject
    Memberships memberships;

    @Inject
    ServiceAuth auth;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    /**
     * @param node                the node's id
     * @param heartbeatPartitions the heartbeat partitions it owns (its users' timers)
     * @param membersReady        whether its member-list replica has caught up
     * @param membersReplica      how that replica was built at start
     */
    public record NodeBody(String node, List<Integer> heartbeatPartitions, boolean membersReady, String membersReplica) {
    }

    @GET
    @Operation(summary = "This node's id, its heartbeat partitions and its member-list replica")
    public NodeBody node() {
        auth.require(authorization);
        return new NodeBody(node.id(), heartbeats.ownedPartitions().stream().sorted().toList(), memberships.ready(),
                memberships.replicaProgress());
    }
}
