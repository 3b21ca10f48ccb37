package io.ketang.gateway;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.websocket.server.ServerEndpointConfig;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses a WebSocket handshake whose Origin is missing or not exactly one of
 * {@code ketang.gateway.allowed-origins} (scheme, host and port compared after normalising;
 * {@code https://school.example.com.evil.net} is not {@code https://school.example.com}).
 * The container answers a refused handshake with 403.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    private final Set<String> allowed = ConfigProvider.getConfig()
            .getOptionalValue("ketang.gateway.allowed-origins", String.class)
            .map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(OriginCheck::normalise).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()))
            .orElse(Set.of());

    @Override
    public boolean checkOrigin(String origin) {
        return allows(allowed, origin);
    }

    static boolean allows(Set<String> allowed, String origin) {
        if (origin == null || origin.isBlank()) {
            return false;
        }
        String normal = normalise(origin);
        return !normal.isEmpty() && allowed.contains(normal);
    }

    /** {@code scheme://host[:port]} in lower case with default ports dropped, or "" when not an origin. */
    static String normalise(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            if (host.isEmpty() || !(scheme.equals("http") || scheme.equals("https"))
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                    || uri.getUserInfo() != null || uri.getQuery() != null) {
                return "";
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
