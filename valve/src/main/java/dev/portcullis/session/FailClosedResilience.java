package dev.portcullis.session;

import java.util.Map;

import org.ehcache.Cache;
import org.ehcache.spi.resilience.ResilienceStrategy;
import org.ehcache.spi.resilience.StoreAccessException;

/**
 * What a Portcullis cache does when its store fails: it throws {@link StateUnavailableException}, for
 * every operation. {@link Caches} sets it on all four caches, whatever the ehcache.xml says.
 *
 * <p>Security decision. Ehcache's default strategy keeps the cache "available" by guessing: a failed
 * {@code get} answers null, a failed {@code put} or {@code remove} is dropped, a failed
 * {@code putIfAbsent} answers null ("was absent"). With a clustered tier that is exactly what happens
 * while the Terracotta server is unreachable, and for Portcullis each guess is a hole:
 * <ul>
 *   <li>replay cache: {@code putIfAbsent} answering "absent" accepts a replayed assertion or a used
 *       RelayState handle (SAML 2.0 profiles, section 4.1.4.5; CVE-2025-64131), on every node;</li>
 *   <li>sessions and session index: a dropped {@code remove} loses a logout, which a user and the IdP
 *       believe happened, while the session lives on once the server answers again;</li>
 *   <li>sessions: a dropped {@code put} signs a user in with a cookie that leads nowhere.</li>
 * </ul>
 * Refusing the request (HTTP 503) is always safe: no session is created or kept alive on a guess, and
 * the user can try again.
 *
 * <p>Coming back after a server restart. Ehcache's clustered client brings a cache back onto a new
 * connection only when a read of that cache finds the old connection closed. A write to a STRONG cache
 * fails before it gets that far ("Cluster tier manager disconnected", an IllegalStateException), so a
 * cache that is only written between the outage and its next read (the replay cache is written with
 * {@code putIfAbsent} and never read) would stay disconnected for good and refuse every sign-in. So
 * when a write fails that way, this strategy reads the same key once, which makes Ehcache reconnect
 * the cache in the background; the write itself still fails, and the user's next try succeeds.
 * Thread-safe.
 */
final class FailClosedResilience<K, V> implements ResilienceStrategy<K, V> {

    private final String cache;
    /** Where the cache keeps its data ("heap", or the Terracotta server's address), for the failure's reason. */
    private final String store;
    /** The cache this strategy serves, once it exists (for the reconnecting read). */
    private volatile Cache<K, V> target;
    /** Set while this thread makes the reconnecting read, whose own failure is expected. */
    private final ThreadLocal<Boolean> reading = new ThreadLocal<>();

    FailClosedResilience(String cache, String store) {
        this.cache = cache;
        this.store = store;
    }

    /** Names the cache this strategy serves; Ehcache creates the cache after its strategy. */
    Cache<K, V> serve(Cache<K, V> cache) {
        this.target = cache;
        return cache;
    }

    private StateUnavailableException fail(String operation, StoreAccessException e) {
        return new StateUnavailableException(cache, operation, store, e);
    }

    private StateUnavailableException failedWrite(String operation, K key, StoreAccessException e) {
        Cache<K, V> served = target;
        if (key != null && served != null && reading.get() == null && rootCause(e) instanceof IllegalStateException) {
            reading.set(Boolean.TRUE);
            try {
                served.get(key);
            } catch (RuntimeException expected) {
                // The read fails too while the cache reconnects; what matters is that it starts the reconnection.
            } finally {
                reading.remove();
            }
        }
        return fail(operation, e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        return root;
    }

    @Override
    public V getFailure(K key, StoreAccessException e) {
        throw fail("get", e);
    }

    @Override
    public boolean containsKeyFailure(K key, StoreAccessException e) {
        throw fail("containsKey", e);
    }

    @Override
    public void putFailure(K key, V value, StoreAccessException e) {
        throw failedWrite("put", key, e);
    }

    @Override
    public void removeFailure(K key, StoreAccessException e) {
        throw failedWrite("remove", key, e);
    }

    @Override
    public void clearFailure(StoreAccessException e) {
        throw fail("clear", e);
    }

    @Override
    public Cache.Entry<K, V> iteratorFailure(StoreAccessException e) {
        throw fail("iterate", e);
    }

    @Override
    public V putIfAbsentFailure(K key, V value, StoreAccessException e) {
        throw failedWrite("putIfAbsent", key, e);
    }

    @Override
    public boolean removeFailure(K key, V value, StoreAccessException e) {
        throw failedWrite("remove", key, e);
    }

    @Override
    public V replaceFailure(K key, V value, StoreAccessException e) {
        throw failedWrite("replace", key, e);
    }

    @Override
    public boolean replaceFailure(K key, V value, V newValue, StoreAccessException e) {
        throw failedWrite("replace", key, e);
    }

    @Override
    public Map<K, V> getAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw fail("getAll", e);
    }

    @Override
    public void putAllFailure(Map<? extends K, ? extends V> entries, StoreAccessException e) {
        throw fail("putAll", e);
    }

    @Override
    public void removeAllFailure(Iterable<? extends K> keys, StoreAccessException e) {
        throw fail("removeAll", e);
    }
}
