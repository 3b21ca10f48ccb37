package io.ketang.shared;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider every reader and builder comes from. {@code jakarta.json.Json}'s static
 * methods look the provider up anew on each call ({@code JsonProvider.provider()}: a
 * {@code ServiceLoader} scan of the class path's jars), which under load turns every frame parsed
 * into a read of a jar under one lock: the fault suite's 1,000 clients spent their threads there.
 */
public final class Jsonp {

    /** Use it as {@code Json} is used: {@code JSON.createObjectBuilder()}, {@code JSON.createReader(…)}. */
    public static final JsonProvider JSON = JsonProvider.provider();

    private Jsonp() {
    }
}
