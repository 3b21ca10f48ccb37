package io.ketang.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The development additions to a Liberty server (the demo-token builder, metrics without a login),
 * kept out of {@code server.xml} so that a production install never has them: the run command and
 * the integration tests put them in the server's {@code configDropins/overrides}.
 */
public final class DevServerConfig {

    static final String RESOURCE = "/liberty/ketang-dev.xml";

    private DevServerConfig() {
    }

    /** Writes the development dropin into the server's directory ({@code wlp/usr/servers/NAME}). */
    public static void install(Path serverDir) throws IOException {
        Path overrides = serverDir.resolve("configDropins").resolve("overrides");
        Files.createDirectories(overrides);
        try (InputStream in = DevServerConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the classpath");
            }
            Files.copy(in, overrides.resolve("ketang-dev.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
