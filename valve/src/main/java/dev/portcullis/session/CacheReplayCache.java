package dev.portcullis.session;

import java.time.Instant;

import org.ehcache.Cache;

import dev.portcullis.saml.ReplayCache;

/**
 * The assertion replay cache in Ehcache: key the SHA-256 of issuer and assertion ID, value the epoch
 * millisecond until which it must be kept. {@code putIfAbsent} makes the first use atomic across
 * threads and, with a clustered tier, across nodes. Thread-safe.
 */
public final class CacheReplayCache implements ReplayCache {

    private final Cache<String, Long> cache;

    public CacheReplayCache(Cache<String, Long> cache) {
        this.cache = cache;
    }

    @Override
    public boolean firstUse(String key, Instant keepUntil) {
        return cache.putIfAbsent(SessionIds.hash(key), keepUntil.toEpochMilli()) == null;
    }
}
