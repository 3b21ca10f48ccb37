package io.ketang.admin;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.ketang.flowcontrol.api.FlowControl;
import io.ketang.flowcontrol.api.FlowReport;
import io.ketang.heartbeat.api.Heartbeats;
import io.ketang.platform.auth.VerifiedToken;

/**
 * What the console shows of one business beside its rooms: who the caller is, the business's
 * flow control, and its latest exits. Scoped to the token's business (an operator names one
 * with the {@code Ketang-Bid} header).
 */
@Path("/v1")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Console", description = "The caller, a business's flow control and its latest exits")
public class ConsoleResource {

    @Inject
    ServiceAuth auth;

    @Inject
    FlowControl flow;

    @Inject
    Heartbeats heartbeats;

    @HeaderParam(HttpHeaders.AUTHORIZATION)
    String authorization;

    /** The caller as the API sees it: {@code operator} tokens may act for any business. */
    public record CallerBody(String subject, String bid, String role, boolean operator) {
    }

    /** One exit: who left which room, from which terminal, why ({@code closed}, {@code timeout}, {@code kicked}), when. */
    public record ExitBody(String room, long uin, String terminal, String reason, long ts) {
    }

    @GET
    @Path("/caller")
    @Operation(summary = "Who the token is, the business it acts for, and whether it is an operator's")
    public CallerBody caller() {
        VerifiedToken caller = auth.require(authorization);
        return new CallerBody(caller.subject(), caller.bid(), caller.role(), ServiceAuth.OPERATOR.equals(caller.role()));
    }

    @GET
    @Path("/flow")
    @Operation(summary = "The business's limits with their use in the last second, this node's verdicts, what each does "
            + "while Redis is away, the muted rooms and the business and cluster mutes")
    public FlowReport flow() {
        return flow.report(auth.require(authorization).bid());
    }

    @GET
    @Path("/exits")
    @Operation(summary = "The business's latest exits (closed, timeout, kicked), newest first, from every node")
    public Map<String, List<ExitBody>> exits(@QueryParam("limit") String limitParam) {
        String bid = auth.require(authorization).bid();
        int limit = (int) Params.integer(limitParam, "limit", 50, 1, 200);
        return ApiErrors.unlessAway(() -> Map.of("exits", heartbeats.recentExits(bid, limit).stream()
                .map(e -> new ExitBody(e.room().room(), e.uin(), e.terminal().wireName(), e.reason().wireName(), e.ts())).toList()),
                "exits cannot be read now, retry");
    }
}
