package io.ketang.platform.health;

/** A short, single-line reason for a DOWN check: the innermost cause's type and message. */
final class Reasons {

    private Reasons() {
    }

    static String of(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
