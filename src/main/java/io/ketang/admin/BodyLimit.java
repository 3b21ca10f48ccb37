package io.ketang.admin;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a REST request body over {@code ketang.rest.max-body-bytes} with 413 before anything
 * reads it: at once when its Content-Length says so, and otherwise (chunked) as soon as reading
 * passes the limit, so no call parses or buffers more than the limit.
 */
@Provider
@PreMatching
public class BodyLimit implements ContainerRequestFilter {

    @Inject
    @ConfigProperty(name = "ketang.rest.max-body-bytes", defaultValue = "1048576")
    long maxBytes;

    @Override
    public void filter(ContainerRequestContext request) {
        int declared = request.getLength();
        if (declared > maxBytes) {
            request.abortWith(RestErrors.json(Response.Status.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE", message()));
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Bounded(request.getEntityStream(), maxBytes, message()));
        }
    }

    private String message() {
        return "a request body may hold at most " + maxBytes + " bytes";
    }

    /** Reading past the limit; answered 413 by {@link RestErrors}. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** A stream that fails once more than {@code max} bytes were read from it. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private final String message;
        private long read;

        Bounded(InputStream in, long max, String message) {
            super(in);
            this.max = max;
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > max) {
                throw new TooLarge(message);
            }
        }
    }
}
