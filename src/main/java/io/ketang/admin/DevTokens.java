package io.ketang.admin;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.ibm.websphere.security.jwt.JwtBuilder;

import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * Demo tokens for the embedded local stack: {@code POST /api/dev/tokens} with
 * {@code {"uin":1,"bid":"demo","role":"teacher","rooms":["r1"]}} returns a signed client token
 * (role {@code service}, {@code admin} or {@code operator}: a token for the REST API). It
 * answers 404 unless {@code ketang.dev.tokens.enabled=true}, which only the local run command and
 * the tests set; production issues tokens from its own identity service.
 */
@Path("/dev/tokens")
@RequestScoped
public class DevTokens {

    static final String BUILDER_ID = "ketangDevTokens";

    @Inject
    @ConfigProperty(name = "ketang.dev.tokens.enabled", defaultValue = "false")
    boolean enabled;

    /** What a demo token should say. */
    public record TokenRequest(Long uin, String bid, String role, List<String> rooms) {
    }

    /** A signed token for {@code hello}. */
    public record TokenResponse(String token) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response issue(TokenRequest request) throws Exception {
        if (!enabled) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        String role = request == null || request.role() == null ? "" : request.role().toLowerCase(java.util.Locale.ROOT);
        boolean service = ServiceAuth.SERVICE_ROLES.contains(role);
        if (request == null || request.uin() == null || request.uin() <= 0 || !RoomRef.validId(request.bid())
                || (Role.parse(role).isEmpty() && !service)) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new ApiError("BAD_REQUEST",
                            "uin (positive), bid and role (teacher|assistant|student|observer, or service|admin|operator) are required"))
                    .type(MediaType.APPLICATION_JSON).build();
        }
        JwtBuilder builder = JwtBuilder.create(BUILDER_ID)
                .subject(String.valueOf(request.uin()))
                .claim("bid", request.bid())
                .claim("role", role);
        if (request.rooms() != null && !request.rooms().isEmpty()) {
            builder.claim("rooms", Set.copyOf(request.rooms()).toArray(String[]::new));
        }
        return Response.ok(new TokenResponse(builder.buildJwt().compact())).build();
    }
}
