package io.ketang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class OriginCheckTest {

    private static final Set<String> ALLOWED = Set.of("https://school.example.com", "http://localhost:9080");

    @Test
    void exactOriginsPassWhateverTheirCaseOrDefaultPort() {
        assertThat(OriginCheck.allows(ALLOWED, "https://school.example.com")).isTrue();
        assertThat(OriginCheck.allows(ALLOWED, "HTTPS://School.Example.com:443")).isTrue();
        assertThat(OriginCheck.allows(ALLOWED, "http://localhost:9080")).isTrue();
    }

    @Test
    void missingForeignAndLookAlikeOriginsAreRefused() {
        assertThat(OriginCheck.allows(ALLOWED, null)).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "null")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "https://school.example.com.evil.net")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "https://evil-school.example.com")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "http://school.example.com")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "https://school.example.com:8443")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "https://user@school.example.com")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "https://school.example.com/path")).isFalse();
        assertThat(OriginCheck.allows(ALLOWED, "file://school.example.com")).isFalse();
    }
}
