package dev.portcullis.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.ehcache.Cache;

/**
 * Pending sign-ins by RelayState handle (128 random bits). {@link #take} is atomic and single use:
 * of two requests presenting the same handle, at most one gets the pending login. Thread-safe.
 */
public final class PendingLoginStore {

    /** Bytes of randomness in a RelayState handle; 22 characters, well under the 80 bytes SAML allows. */
    public static final int HANDLE_BYTES = 16;

    private final Cache<String, PendingLogin> cache;
    private final SessionIds ids;
    private final Clock clock;
    private final Duration timeout;

    public PendingLoginStore(Cache<String, PendingLogin> cache, SessionIds ids, Clock clock, Duration timeout) {
        this.cache = cache;
        this.ids = ids;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Records a sign-in that starts now; returns its RelayState handle. */
    public String create(String requestId, String originalUrl) {
        return create(requestId, originalUrl, java.util.List.of());
    }

    /** Records a sign-in that must use one of {@code requiredAuthnContexts}; returns its RelayState handle. */
    public String create(String requestId, String originalUrl, java.util.List<String> requiredAuthnContexts) {
        Instant now = clock.instant();
        String handle = ids.newToken(HANDLE_BYTES);
        cache.put(handle, new PendingLogin(requestId, originalUrl, now, now.plus(timeout), requiredAuthnContexts));
        return handle;
    }

    private static final String LOGOUT = "logout:";

    /**
     * Records a Single Logout that starts now (the LogoutRequest ID and where to land); returns its
     * RelayState handle. Kept apart from sign-ins, so the ACS can never take a logout's handle.
     */
    public String createLogout(String requestId, String landingUrl) {
        Instant now = clock.instant();
        String handle = ids.newToken(HANDLE_BYTES);
        cache.put(LOGOUT + handle, new PendingLogin(requestId, landingUrl, now, now.plus(timeout), java.util.List.of()));
        return handle;
    }

    /** Removes and returns the pending logout for a handle, if it exists and has not expired. */
    public Optional<PendingLogin> takeLogout(String handle) {
        if (!SessionIds.looksLikeToken(handle, HANDLE_BYTES)) {
            return Optional.empty();
        }
        return takeKey(LOGOUT + handle);
    }

    /** Removes and returns the pending login for a handle, if it exists and has not expired. */
    public Optional<PendingLogin> take(String handle) {
        if (!SessionIds.looksLikeToken(handle, HANDLE_BYTES)) {
            return Optional.empty();
        }
        return takeKey(handle);
    }

    private Optional<PendingLogin> takeKey(String key) {
        PendingLogin pending = cache.get(key);
        if (pending == null || !cache.remove(key, pending)) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(pending.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(pending);
    }
}
