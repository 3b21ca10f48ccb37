package io.ketang.push.api;

/** The bus could not take a message: nothing was published, and the sender may retry. */
public class PushUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PushUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
