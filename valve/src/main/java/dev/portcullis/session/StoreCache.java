package dev.portcullis.session;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.ehcache.Cache;
import org.ehcache.config.CacheRuntimeConfiguration;

/**
 * A Portcullis cache on a clustered store, as the repositories see it: every operation goes to the cache
 * the {@link StoreWatch} holds, or fails at once with {@link StateUnavailableException} while the store is
 * not connected yet or known to be down. A read, which the near cache may answer from the node's heap, is
 * only returned once the watch confirms the server answered recently ({@link StoreWatch#requireFresh});
 * writes and conditional operations always go to the server. A failure that is about the connection
 * tells the watch, so that the next requests fail at once instead of waiting for their own timeouts.
 * Thread-safe.
 */
final class StoreCache<V> implements Cache<String, V> {

    private final String name;
    private final StoreWatch watch;

    StoreCache(String name, StoreWatch watch) {
        this.name = name;
        this.watch = watch;
    }

    @SuppressWarnings("unchecked")
    private <T> T call(String operation, boolean read, Function<Cache<String, V>, T> work) {
        long started = System.nanoTime();
        try {
            T result = work.apply((Cache<String, V>) watch.admit(name, operation));
            if (read) {
                watch.requireFresh(name, operation);
            }
            return result;
        } catch (StateUnavailableException e) {
            watch.failed(e, started);
            throw e;
        }
    }

    @Override
    public V get(String key) {
        return call("get", true, c -> c.get(key));
    }

    @Override
    public void put(String key, V value) {
        call("put", false, c -> {
            c.put(key, value);
            return null;
        });
    }

    @Override
    public boolean containsKey(String key) {
        return call("containsKey", true, c -> c.containsKey(key));
    }

    @Override
    public void remove(String key) {
        call("remove", false, c -> {
            c.remove(key);
            return null;
        });
    }

    @Override
    public Map<String, V> getAll(Set<? extends String> keys) {
        return call("getAll", true, c -> c.getAll(keys));
    }

    @Override
    public void putAll(Map<? extends String, ? extends V> entries) {
        call("putAll", false, c -> {
            c.putAll(entries);
            return null;
        });
    }

    @Override
    public void removeAll(Set<? extends String> keys) {
        call("removeAll", false, c -> {
            c.removeAll(keys);
            return null;
        });
    }

    @Override
    public void clear() {
        call("clear", false, c -> {
            c.clear();
            return null;
        });
    }

    @Override
    public V putIfAbsent(String key, V value) {
        return call("putIfAbsent", false, c -> c.putIfAbsent(key, value));
    }

    @Override
    public boolean remove(String key, V value) {
        return call("remove", false, c -> c.remove(key, value));
    }

    @Override
    public V replace(String key, V value) {
        return call("replace", false, c -> c.replace(key, value));
    }

    @Override
    public boolean replace(String key, V oldValue, V newValue) {
        return call("replace", false, c -> c.replace(key, oldValue, newValue));
    }

    @Override
    public CacheRuntimeConfiguration<String, V> getRuntimeConfiguration() {
        return call("getRuntimeConfiguration", false, Cache::getRuntimeConfiguration);
    }

    /** Entries as the server or the near cache hold them when the iterator is made (Portcullis never iterates). */
    @Override
    public Iterator<Entry<String, V>> iterator() {
        return call("iterate", true, Cache::iterator);
    }
}
