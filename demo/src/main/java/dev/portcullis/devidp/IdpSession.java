package dev.portcullis.devidp;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.testkit.Ids;

/**
 * A user signed in at the IdP, in one browser: who, since when, and, per service provider, what was
 * asserted to it ({@link SpSession}). The first Response to a service provider gives it a new
 * SessionIndex; later ones in the same IdP session repeat it, as Shibboleth and Keycloak do.
 * Thread-safe.
 */
final class IdpSession {

    private final String token;
    private final DevUser user;
    private final Instant started;
    private final Map<String, SpSession> serviceProviders = new ConcurrentHashMap<>();

    IdpSession(String token, DevUser user, Instant started) {
        this.token = token;
        this.user = user;
        this.started = started;
    }

    /** The session cookie's value. */
    String token() {
        return token;
    }

    DevUser user() {
        return user;
    }

    Instant started() {
        return started;
    }

    /** What this session asserts to a service provider: the same NameID and SessionIndex every time. */
    SpSession join(String spEntityId, String nameIdFormat) {
        return serviceProviders.computeIfAbsent(spEntityId,
                sp -> new SpSession(sp, user.nameId(), nameIdFormat, Ids.newId()));
    }

    /** What was asserted to this service provider, if anything. */
    Optional<SpSession> at(String spEntityId) {
        return Optional.ofNullable(serviceProviders.get(spEntityId));
    }
}
