/**
 * REST resources for business backends and the admin console. An adapter over the contexts'
 * {@code api} packages; it holds no state of its own.
 */
package io.ketang.admin;
