package dev.portcullis.session;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.ehcache.Cache;

import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.RelayStates.Purpose;

/**
 * Sign-ins and Single Logouts in progress, by RelayState handle. The handle proves itself
 * ({@link RelayStates}); the cache only remembers where each signing-in user was going, so a flood
 * that evicts entries costs a user the page they asked for, never the sign-in. Thread-safe.
 */
public final class PendingLoginStore {

    private static final Set<Purpose> SIGN_INS = EnumSet.of(Purpose.SIGN_IN, Purpose.STEP_UP);
    private static final Set<Purpose> LOGOUTS = EnumSet.of(Purpose.LOGOUT);

    /**
     * A sign-in the ACS can complete.
     *
     * @param originalUrl where the user was going, or null when no longer remembered
     */
    public record SignIn(Handle handle, String originalUrl) {
    }

    private final Cache<String, PendingLogin> cache;
    private final RelayStates relayStates;

    public PendingLoginStore(Cache<String, PendingLogin> cache, RelayStates relayStates) {
        this.cache = cache;
        this.relayStates = relayStates;
    }

    /** Starts a sign-in now: a new handle, with where the user was going remembered under it. */
    public Handle startSignIn(Purpose purpose, String originalUrl) {
        if (!SIGN_INS.contains(purpose)) {
            throw new IllegalArgumentException(purpose + " is not a sign-in");
        }
        Handle handle = relayStates.issue(purpose);
        cache.put(handle.value(), new PendingLogin(originalUrl, handle.expiresAt()));
        return handle;
    }

    /** Starts a Single Logout now: a new handle (nothing to remember; the landing page is fixed). */
    public Handle startLogout() {
        return relayStates.issue(Purpose.LOGOUT);
    }

    /**
     * The sign-in a RelayState names, when it is an unexpired sign-in handle; takes the remembered URL
     * (so it is used once). The IdP's InResponseTo still has to match {@link Handle#messageId}.
     */
    public Optional<SignIn> signIn(String relayState) {
        return relayStates.read(relayState, SIGN_INS).map(handle -> new SignIn(handle, takeUrl(handle.value())));
    }

    /** The Single Logout a RelayState names, when it is an unexpired logout handle. */
    public Optional<Handle> logout(String relayState) {
        return relayStates.read(relayState, LOGOUTS);
    }

    /** A secret derived from a handle and a label, never sent with it ({@link RelayStates#secret}). */
    public String secret(Handle handle, String label) {
        return relayStates.secret(handle, label);
    }

    /** Marks a handle used once its answer has been validated; false when it had been used already. */
    public boolean consume(Handle handle) {
        return relayStates.consume(handle);
    }

    private String takeUrl(String key) {
        PendingLogin pending = cache.get(key);
        return pending != null && cache.remove(key, pending) ? pending.originalUrl() : null;
    }
}
