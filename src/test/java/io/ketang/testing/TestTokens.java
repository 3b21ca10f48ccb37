package io.ketang.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens a test mints itself with the integration-test server's own key pair (Liberty generated it
 * in the server's keystore): valid ones with a twist (expired, wrong issuer, ...) and attacks
 * ({@code alg=none}, HS256 keyed with the public key).
 */
public final class TestTokens {

    public static final String ISSUER = "https://ketang.local/dev";
    public static final String AUDIENCE = "ketang";

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;

    private TestTokens(PrivateKey privateKey, RSAPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** The key pair of the integration-test server ({@code target/liberty/.../ketangIT}). */
    public static TestTokens ofTestServer() throws Exception {
        Path server = Path.of("target", "liberty", "wlp", "usr", "servers", System.getProperty("ketang.it.server", "ketangIT"));
        String password = Files.readAllLines(server.resolve("server.env"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("keystore_password=")).map(l -> l.substring("keystore_password=".length()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no keystore_password in server.env"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.resolve("resources/security/key.p12"))) {
            store.load(in, password.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("default", password.toCharArray());
        RSAPublicKey pub = (RSAPublicKey) store.getCertificate("default").getPublicKey();
        return new TestTokens(key, pub);
    }

    /** Claims of a client token that would be valid for an hour. */
    public static JWTClaimsSet.Builder claims(long uin, String bid, String role) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(String.valueOf(uin)).issuer(ISSUER).audience(List.of(AUDIENCE))
                .claim("bid", bid).claim("role", role)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** Signed with the server's own private key, RS256. */
    public String rs256(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(privateKey));
        return jwt.serialize();
    }

    /** Unsigned: {@code alg=none}. */
    public String none(JWTClaimsSet claims) {
        return new PlainJWT(new PlainHeader(), claims).serialize();
    }

    /** HS256 with the server's public key as the HMAC secret: the classic algorithm-confusion attack. */
    public String hs256WithPublicKey(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        byte[] secret = publicKey.getEncoded();
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
