package io.ketang.flowcontrol.api;

/**
 * Flow control's answer to "may this go through?".
 *
 * @param verdict      what to do
 * @param retryAfterMs for {@link Verdict#RATE_LIMITED}: when the next try can succeed; 0 otherwise
 */
public record Admission(Verdict verdict, long retryAfterMs) {

    /** The possible answers. */
    public enum Verdict {
        ADMITTED,
        /** Over a limit: try again after {@code retryAfterMs}. */
        RATE_LIMITED,
        /** The room's (or business's) chat is muted. */
        MUTED,
        /** The limit cannot be checked (Redis is away) and it fails closed. */
        UNAVAILABLE
    }

    public static final Admission ADMITTED = new Admission(Verdict.ADMITTED, 0);
    public static final Admission MUTED = new Admission(Verdict.MUTED, 0);
    public static final Admission UNAVAILABLE = new Admission(Verdict.UNAVAILABLE, 0);

    public static Admission rateLimited(long retryAfterMs) {
        return new Admission(Verdict.RATE_LIMITED, Math.max(1, retryAfterMs));
    }

    public boolean admitted() {
        return verdict == Verdict.ADMITTED;
    }
}
