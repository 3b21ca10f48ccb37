package io.ketang.platform.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), so the script's text crosses the network only
 * when Redis does not have it: on first use and after a Redis restart (or {@code SCRIPT FLUSH}),
 * when Redis answers NOSCRIPT and the script is sent whole once ({@code EVAL} caches it again).
 */
public final class RedisScript {

    private final String text;
    private final String sha1;

    public RedisScript(String text) {
        this.text = text;
        try {
            this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    /** Runs the script; throws what Jedis throws when Redis is unreachable. */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException notCached) {
            return redis.eval(text, keys, args);
        }
    }

    public String sha1() {
        return sha1;
    }
}
