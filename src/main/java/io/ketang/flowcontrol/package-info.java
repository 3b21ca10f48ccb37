/**
 * Flow control: global limits shared through Redis, local token buckets, degradation (sampling,
 * automatic and manual mute-all). Others ask it for admission through {@code flowcontrol.api}.
 */
package io.ketang.flowcontrol;
