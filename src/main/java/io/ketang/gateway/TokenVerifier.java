package io.ketang.gateway;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.ibm.websphere.security.jwt.Claims;
import com.ibm.websphere.security.jwt.JwtConsumer;
import com.ibm.websphere.security.jwt.JwtToken;

import io.ketang.shared.Role;
import io.ketang.shared.RoomRef;

/**
 * Verifies client tokens with Liberty's JWT consumer {@code ketangTokens} (server.xml): the
 * signature (RS256 only), issuer, audience, expiry and not-before with a small clock skew. Then it
 * reads Ketang's claims: {@code sub} (the uin), {@code bid}, {@code role}, optional {@code rooms}.
 */
@ApplicationScoped
class TokenVerifier {

    static final String CONSUMER_ID = "ketangTokens";

    /** The identity in a valid token, or empty when the token is forged, expired or incomplete. */
    Optional<Identity> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            return Optional.empty();
        }
        try {
            JwtToken jwt = JwtConsumer.create(CONSUMER_ID).createJwt(token);
            Claims claims = jwt.getClaims();
            long uin = Long.parseLong(claims.getSubject());
            String bid = claims.get("bid") instanceof String s ? s : null;
            Optional<Role> role = Role.parse(claims.get("role") instanceof String r ? r : null);
            if (uin <= 0 || !RoomRef.validId(bid) || role.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Identity(uin, bid, role.get(), rooms(claims.get("rooms"))));
        } catch (Exception invalid) {
            // signature, expiry, issuer, audience, algorithm or a missing/non-numeric subject
            return Optional.empty();
        }
    }

    private static Set<String> rooms(Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
        }
        return Set.of();
    }
}
