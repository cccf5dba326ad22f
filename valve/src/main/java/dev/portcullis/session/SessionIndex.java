package dev.portcullis.session;

import java.time.Clock;
import java.util.List;

import org.ehcache.Cache;

/**
 * Sessions by user: IdP entityID and NameID → the sessions signed in with them (their cache keys and
 * SessionIndexes), so that a LogoutRequest from the IdP ends exactly that user's sessions, on every
 * webapp and every node sharing the cache, without scanning. Updates are atomic read-modify-write
 * loops on the cache ({@code putIfAbsent}/{@code replace}). Thread-safe.
 */
public final class SessionIndex {

    private static final int MAX_ATTEMPTS = 16;

    private final Cache<String, IndexedSessions> cache;
    private final Clock clock;

    public SessionIndex(Cache<String, IndexedSessions> cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    static String key(String idp, String nameId) {
        return SessionIds.hash(idp + "\n" + nameId);
    }

    /** Records a new session of a user. */
    void add(String idp, String nameId, IndexedSessions.Entry entry) {
        String key = key(idp, nameId);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            IndexedSessions current = cache.get(key);
            IndexedSessions updated = (current == null ? new IndexedSessions(List.of()) : current).with(entry, clock.instant());
            if (current == null ? cache.putIfAbsent(key, updated) == null : cache.replace(key, current, updated)) {
                return;
            }
        }
        // Contended beyond reason: write anyway, losing at worst another writer's concurrent entry.
        IndexedSessions current = cache.get(key);
        cache.put(key, (current == null ? new IndexedSessions(List.of()) : current).with(entry, clock.instant()));
    }

    /** Forgets one session of a user (it ended locally). */
    void remove(String idp, String nameId, String sessionKey) {
        String key = key(idp, nameId);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            IndexedSessions current = cache.get(key);
            if (current == null) {
                return;
            }
            IndexedSessions updated = current.without(sessionKey);
            boolean done = updated.entries().isEmpty() ? cache.remove(key, current) : cache.replace(key, current, updated);
            if (done) {
                return;
            }
        }
    }

    /** The sessions a user holds (entries may name sessions that ended meanwhile). */
    List<IndexedSessions.Entry> sessionsOf(String idp, String nameId) {
        IndexedSessions current = cache.get(key(idp, nameId));
        return current == null ? List.of() : current.entries();
    }
}
