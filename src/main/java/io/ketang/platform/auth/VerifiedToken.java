package io.ketang.platform.auth;

import java.util.Set;

/**
 * What a verified token says.
 *
 * @param subject the {@code sub} claim: a uin for clients, a service name for backends
 * @param bid     the business the token belongs to
 * @param role    the {@code role} claim, lower case
 * @param rooms   the {@code rooms} claim, or empty when absent
 */
public record VerifiedToken(String subject, String bid, String role, Set<String> rooms) {
}
