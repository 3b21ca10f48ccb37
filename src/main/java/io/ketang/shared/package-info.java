/** Identifiers and values every context uses: business, room and user ids, roles, terminals. */
package io.ketang.shared;
