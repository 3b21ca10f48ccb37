package io.ketang.platform.auth;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.ibm.websphere.security.jwt.Claims;
import com.ibm.websphere.security.jwt.JwtConsumer;
import com.ibm.websphere.security.jwt.JwtToken;

import io.ketang.shared.RoomRef;

/**
 * Verifies tokens with Liberty's JWT consumer {@code ketangTokens} (server.xml): the signature
 * (RS256 only, so {@code alg=none} and HS256 signed with the public key are refused), issuer,
 * audience, expiry and not-before with a small clock skew. Ketang's own claims must be present:
 * {@code sub}, {@code bid} and {@code role}.
 */
@ApplicationScoped
public class TokenVerifier {

    static final String CONSUMER_ID = "ketangTokens";
    static final int MAX_TOKEN_CHARS = 8192;

    /** The claims of a valid token, or empty when it is forged, expired, for someone else, or incomplete. */
    public Optional<VerifiedToken> verify(String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            JwtToken jwt = JwtConsumer.create(CONSUMER_ID).createJwt(token);
            Claims claims = jwt.getClaims();
            String subject = claims.getSubject();
            String bid = claims.get("bid") instanceof String s ? s : null;
            String role = claims.get("role") instanceof String r ? r.toLowerCase(Locale.ROOT) : null;
            if (subject == null || subject.isBlank() || !RoomRef.validId(bid) || role == null) {
                return Optional.empty();
            }
            return Optional.of(new VerifiedToken(subject, bid, role, rooms(claims.get("rooms"))));
        } catch (Exception invalid) {
            return Optional.empty();
        }
    }

    private static Set<String> rooms(Object claim) {
        if (claim instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
        }
        if (claim instanceof String single) {
            return Set.of(single);
        }
        return Set.of();
    }
}
