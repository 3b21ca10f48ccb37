package io.ketang.admin;

/** The body of a refused REST call: a protocol error code and a sentence for a person. */
public record ApiError(String code, String message) {
}
