/**
 * Infrastructure every context may use: node identity, the Redis client, Kafka administration and
 * topic sizing, schema migrations, health checks.
 */
package io.ketang.platform;
