package dev.portcullis.devidp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.portcullis.testkit.SamlResponseBuilder;

/**
 * The IdP's sessions, in memory, under a random token the browser keeps in a cookie: a browser with
 * a live session is answered without the login form. Sessions end by Single Logout or after
 * {@link #LIFETIME}; at most {@link #MAX_SESSIONS} are kept. Thread-safe.
 */
final class IdpSessions {

    /** How long a sign-in at the IdP lasts. */
    static final Duration LIFETIME = Duration.ofHours(8);
    /** Most IdP sessions at once. */
    static final int MAX_SESSIONS = 10_000;

    private static final int TOKEN_BYTES = 32;

    private final Map<String, IdpSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    IdpSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session for a user who just authenticated; its token is 256 random bits, URL-safe. */
    IdpSession start(DevUser user) throws RequestRejected {
        purgeExpired();
        if (sessions.size() >= MAX_SESSIONS) {
            throw new RequestRejected(Rejection.TOO_MANY_PENDING, sessions.size() + " IdP sessions");
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        IdpSession session = new IdpSession(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), user,
                clock.instant());
        sessions.put(session.token(), session);
        return session;
    }

    /** The live session under this token, if any. */
    Optional<IdpSession> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        IdpSession session = sessions.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session)) {
            sessions.remove(token, session);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /**
     * Ends the sessions in which this service provider was given this NameID (value and Format; no
     * Format means unspecified, saml-core-2.0-os 8.3.1) and, when any are named, one of these
     * SessionIndexes. A session that told the SP something else is left alone.
     *
     * @return the sessions ended
     */
    List<IdpSession> endMatching(String spEntityId, String nameId, String nameIdFormat, List<String> sessionIndexes) {
        String format = nameIdFormat == null ? SamlResponseBuilder.NAMEID_UNSPECIFIED : nameIdFormat;
        return endIf(session -> session.at(spEntityId)
                .filter(sp -> sp.nameId().equals(nameId) && sp.nameIdFormat().equals(format))
                .filter(sp -> sessionIndexes.isEmpty() || sessionIndexes.contains(sp.sessionIndex()))
                .isPresent());
    }

    /** Ends every session of this user; returns them. */
    List<IdpSession> endUser(String username) {
        return endIf(session -> session.user().username().equals(username));
    }

    private List<IdpSession> endIf(Predicate<IdpSession> condition) {
        List<IdpSession> ended = new ArrayList<>();
        for (IdpSession session : sessions.values()) {
            if (condition.test(session) && sessions.remove(session.token(), session)) {
                ended.add(session);
            }
        }
        return ended;
    }

    private void purgeExpired() {
        sessions.values().removeIf(this::expired);
    }

    private boolean expired(IdpSession session) {
        return !clock.instant().isBefore(session.started().plus(LIFETIME));
    }
}
