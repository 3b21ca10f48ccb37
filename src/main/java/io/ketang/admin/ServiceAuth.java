package io.ketang.admin;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import io.ketang.platform.auth.TokenVerifier;
import io.ketang.platform.auth.VerifiedToken;
import io.ketang.room.api.RoomView;
import io.ketang.room.api.Rooms;
import io.ketang.shared.RoomRef;

/**
 * Service tokens of the REST API: the same signed JWTs as clients' (issuer, audience, expiry
 * checked), with {@code role} {@code service} (a business backend) or {@code admin} (the console),
 * scoped to the {@code bid} they carry, or {@code operator} (the console of whoever runs Ketang):
 * every business, the one it acts for named by the {@value #BUSINESS_HEADER} header, and the
 * cluster's own views (nodes, Kafka). A client token is refused here.
 */
@ApplicationScoped
class ServiceAuth {

    static final String OPERATOR = "operator";
    static final Set<String> SERVICE_ROLES = Set.of("service", "admin", OPERATOR);
    /** The business an operator acts for; a business's own token may only name its own. */
    static final String BUSINESS_HEADER = "Ketang-Bid";

    @Inject
    TokenVerifier tokens;

    @Inject
    Rooms rooms;

    @Inject
    jakarta.servlet.http.HttpServletRequest request;

    /** The caller of a request with this Authorization header; refuses with 401 or 403. */
    VerifiedToken require(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiErrors.of(Response.Status.UNAUTHORIZED, "UNAUTHORIZED", "a Bearer service token is required");
        }
        VerifiedToken token = tokens.verify(authorization.substring(7).trim())
                .orElseThrow(() -> ApiErrors.of(Response.Status.UNAUTHORIZED, "UNAUTHORIZED", "the token is not valid"));
        if (!SERVICE_ROLES.contains(token.role())) {
            throw ApiErrors.of(Response.Status.FORBIDDEN, "FORBIDDEN", "a service or admin token is required");
        }
        String named = request.getHeader(BUSINESS_HEADER);
        if (named == null || named.equals(token.bid())) {
            return token;
        }
        if (!OPERATOR.equals(token.role())) {
            throw ApiErrors.of(Response.Status.FORBIDDEN, "FORBIDDEN", "this token acts for its own business only");
        }
        if (!RoomRef.validId(named)) {
            throw ApiErrors.badRequest(BUSINESS_HEADER + " must be 1..128 of [A-Za-z0-9_.:-]");
        }
        return new VerifiedToken(token.subject(), named, token.role(), token.rooms());
    }

    /** The caller of a request about the whole cluster, which only an operator may see; 403 for any other token. */
    VerifiedToken requireOperator(String authorization) {
        VerifiedToken token = require(authorization);
        if (!OPERATOR.equals(token.role())) {
            throw ApiErrors.of(Response.Status.FORBIDDEN, "FORBIDDEN", "an operator token is required");
        }
        return token;
    }

    /**
     * The caller's business's room with the given id, which must exist: 404 when the business has no
     * such room (another business's room looks the same), 503 when rooms cannot be read now. Every
     * call about a room checks this before it reads or writes anything of it.
     */
    RoomView existingRoom(VerifiedToken caller, String room) {
        RoomRef ref = room(caller, room);
        Optional<RoomView> found;
        try {
            found = rooms.cached(ref);
        } catch (RuntimeException databaseAway) {
            throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, "UNAVAILABLE", "rooms cannot be read now, retry");
        }
        return found.orElseThrow(ServiceAuth::noSuchRoom);
    }

    /** The caller's user id for the audit log (0 when the token's subject is not a number). */
    static long uin(VerifiedToken caller) {
        try {
            return Long.parseLong(caller.subject());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The room of a request with this Authorization header: the caller checked, the room existing in its business. */
    RoomRef ownRoom(String authorization, String room) {
        return existingRoom(require(authorization), room).ref();
    }

    static jakarta.ws.rs.WebApplicationException noSuchRoom() {
        return ApiErrors.of(Response.Status.NOT_FOUND, "NO_SUCH_ROOM", "no such room");
    }

    /** The caller's business's room with the given id; 400 when the id is not a valid one. */
    static RoomRef room(VerifiedToken caller, String room) {
        if (!RoomRef.validId(room)) {
            throw ApiErrors.badRequest("room must be 1..128 of [A-Za-z0-9_.:-]");
        }
        return new RoomRef(caller.bid(), room);
    }
}
