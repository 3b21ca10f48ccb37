package io.ketang.admin;

/** Query parameters read by hand, so that a bad one is a 400 that says which, not JAX-RS's bare 404. */
final class Params {

    private Params() {
    }

    /** The parameter as an integer in {@code min..max}, or {@code fallback} when it is absent. */
    static long integer(String value, String name, long fallback, long min, long max) {
        if (value == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiErrors.badRequest(name + " must be an integer in " + min + ".." + max);
    }
}
