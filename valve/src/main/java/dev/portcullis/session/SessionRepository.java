package dev.portcullis.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.ehcache.Cache;

/**
 * Signed-in sessions in Ehcache, keyed by the SHA-256 of the cookie value. A lookup costs one cache
 * read; the last-access time is written back at most once per {@link #touchInterval}, with an atomic
 * replace so that a touch can never resurrect a session that a logout removed meanwhile.
 * Thread-safe.
 */
public final class SessionRepository {

    /** Bytes of randomness in a session id (256 bits). */
    public static final int ID_BYTES = 32;

    /** Prefix of the index entries of OpenID Connect sessions by sid (a NameID never starts with a newline). */
    private static final String SID = "\noidc-sid\n";

    /** Result of a lookup: a valid session, an ended one (with its cause), or nothing. */
    public record Lookup(SsoSession session, SsoSession ended, SsoSession.EndCause cause) {
        static final Lookup NONE = new Lookup(null, null, null);

        public boolean found() {
            return session != null;
        }
    }

    private final Cache<String, SsoSession> cache;
    private final SessionIndex index;
    private final SessionIds ids;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration touchInterval;

    /**
     * A repository without a per-user index, for tools and benchmarks that only create and find
     * sessions: IdP-initiated logout cannot find sessions created through it.
     */
    public SessionRepository(Cache<String, SsoSession> cache, SessionIds ids, Clock clock, Duration idleTimeout) {
        this(cache, null, ids, clock, idleTimeout);
    }

    public SessionRepository(Cache<String, SsoSession> cache, SessionIndex index, SessionIds ids, Clock clock,
                             Duration idleTimeout) {
        this.cache = cache;
        this.index = index;
        this.ids = ids;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        Duration tenth = idleTimeout.dividedBy(10);
        this.touchInterval = tenth.compareTo(Duration.ofMinutes(1)) < 0 ? tenth : Duration.ofMinutes(1);
    }

    /** Stores a new session under a fresh random id and returns the id (the cookie value). */
    public String create(SsoSession session) {
        String id = ids.newToken(ID_BYTES);
        String key = SessionIds.hash(id);
        cache.put(key, session);
        if (index != null && session.nameId() != null) {
            IndexedSessions.Entry entry = new IndexedSessions.Entry(key, session.sessionIndex(), session.expiresAt());
            index.add(session.idpEntityId(), session.nameId(), entry);
            if (session.oidc() && session.sessionIndex() != null) {
                // An OpenID provider may end a session by its sid alone (Back-Channel Logout 1.0 2.4): a second entry.
                index.add(session.idpEntityId(), SID + session.sessionIndex(), entry);
            }
        }
        return id;
    }

    /**
     * Records a webapp session created while this session was in use, so that logout can end it too.
     * A lost race only means the record is written on the next request that creates one.
     */
    public SsoSession rememberWebappSession(String id, SsoSession seen, String webappSession) {
        if (seen.webappSessions().contains(webappSession) || !SessionIds.looksLikeToken(id, ID_BYTES)) {
            return seen;
        }
        SsoSession updated = seen.withWebappSession(webappSession);
        return cache.replace(SessionIds.hash(id), seen, updated) ? updated : seen;
    }

    /**
     * Ends every session of a user whose SessionIndex is among {@code sessionIndexes} (all of the user's
     * sessions when that is empty), wherever they were created; returns the sessions ended.
     */
    public List<SsoSession> endSessionsOf(String idp, String nameId, java.util.Collection<String> sessionIndexes) {
        List<SsoSession> ended = new java.util.ArrayList<>();
        if (index == null) {
            return ended;
        }
        for (IndexedSessions.Entry entry : index.sessionsOf(idp, nameId)) {
            if (!sessionIndexes.isEmpty() && (entry.sessionIndex() == null || !sessionIndexes.contains(entry.sessionIndex()))) {
                continue;
            }
            SsoSession session = cache.get(entry.sessionKey());
            if (session != null && nameId.equals(session.nameId()) && idp.equals(session.idpEntityId())) {
                cache.remove(entry.sessionKey());
                ended.add(session);
            }
            index.remove(idp, nameId, entry.sessionKey());
        }
        return ended;
    }

    /**
     * Ends every OpenID Connect session of a provider with this sid (its session at the provider), wherever they
     * were created; returns the sessions ended.
     */
    public List<SsoSession> endSessionsWithSid(String idp, String sid) {
        List<SsoSession> ended = new java.util.ArrayList<>();
        if (index == null) {
            return ended;
        }
        for (IndexedSessions.Entry entry : index.sessionsOf(idp, SID + sid)) {
            SsoSession session = cache.get(entry.sessionKey());
            if (session != null && session.oidc() && sid.equals(session.sessionIndex()) && idp.equals(session.idpEntityId())) {
                cache.remove(entry.sessionKey());
                ended.add(session);
                index.remove(idp, session.nameId(), entry.sessionKey());
            }
            index.remove(idp, SID + sid, entry.sessionKey());
        }
        return ended;
    }

    /**
     * Ends every OpenID Connect session of a provider whose principal (the user name principalAttribute took) is
     * {@code principal}, wherever they were created; returns the sessions ended. An operator's lever only (the
     * user name is not indexed, so every session is read once, as {@link #endAll} does).
     */
    public List<SsoSession> endOidcSessionsOfPrincipal(String idp, String principal) {
        List<SsoSession> ended = new java.util.ArrayList<>();
        List<String> keys = new java.util.ArrayList<>();
        for (Cache.Entry<String, SsoSession> entry : cache) {
            SsoSession session = entry.getValue();
            if (session != null && session.oidc() && principal.equals(session.principal()) && idp.equals(session.idpEntityId())) {
                keys.add(entry.getKey());
            }
        }
        for (String key : keys) {
            SsoSession session = cache.get(key);
            if (session != null && principal.equals(session.principal()) && cache.remove(key, session)) {
                ended.add(session);
                if (index != null) {
                    index.remove(idp, session.nameId(), key);
                    if (session.sessionIndex() != null) {
                        index.remove(idp, SID + session.sessionIndex(), key);
                    }
                }
            }
        }
        return ended;
    }

    /**
     * Ends every session in the store, on every node sharing it (an operator's lever for an incident: a
     * leaked SP key, a compromised IdP); returns the sessions ended. The keys are read first and each
     * session removed only if it is still the one read, so a session created meanwhile survives (the
     * operator runs it again) rather than the count being wrong. Then the per-user index is emptied.
     */
    public List<SsoSession> endAll() {
        List<String> keys = new java.util.ArrayList<>();
        for (Cache.Entry<String, SsoSession> entry : cache) {
            keys.add(entry.getKey());
        }
        List<SsoSession> ended = new java.util.ArrayList<>(keys.size());
        for (String key : keys) {
            SsoSession session = cache.get(key);
            if (session != null && cache.remove(key, session)) {
                ended.add(session);
                if (index != null && session.nameId() != null) {
                    index.remove(session.idpEntityId(), session.nameId(), key);
                }
            }
        }
        return ended;
    }

    /** Finds the session for a cookie value, ending it if it has expired. */
    public Lookup find(String id) {
        if (!SessionIds.looksLikeToken(id, ID_BYTES)) {
            return Lookup.NONE;
        }
        String key = SessionIds.hash(id);
        SsoSession session = cache.get(key);
        if (session == null) {
            return Lookup.NONE;
        }
        Instant now = clock.instant();
        SsoSession.EndCause cause = session.endCause(now, idleTimeout);
        if (cause != null) {
            cache.remove(key, session);
            return new Lookup(null, session, cause);
        }
        if (session.lastAccessOlderThan(now, touchInterval)) {
            SsoSession touched = session.touchedAt(now);
            if (cache.replace(key, session, touched)) {
                return new Lookup(touched, null, null);
            }
        }
        return new Lookup(session, null, null);
    }

    /** Ends a session; returns what it held, or null if it was not there. */
    public SsoSession remove(String id) {
        if (!SessionIds.looksLikeToken(id, ID_BYTES)) {
            return null;
        }
        String key = SessionIds.hash(id);
        SsoSession session = cache.get(key);
        if (session != null) {
            cache.remove(key);
            if (index != null && session.nameId() != null) {
                index.remove(session.idpEntityId(), session.nameId(), key);
                if (session.oidc() && session.sessionIndex() != null) {
                    index.remove(session.idpEntityId(), SID + session.sessionIndex(), key);
                }
            }
        }
        return session;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }
}
