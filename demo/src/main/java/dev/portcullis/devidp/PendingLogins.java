package dev.portcullis.devidp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-ins in progress, kept on the server under a random state token that the login form carries
 * back. Keeping the request here (rather than in hidden fields) means the browser cannot change the
 * InResponseTo or RelayState the IdP answers with. Entries expire after {@link #TIMEOUT}, and at
 * most {@link #MAX_PENDING} are kept, so a flood of requests cannot exhaust memory. Thread-safe.
 */
final class PendingLogins {

    /** How long a user may take on the login page. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** Most sign-ins in progress at once. */
    static final int MAX_PENDING = 10_000;

    private static final int TOKEN_BYTES = 32;

    private final Map<String, PendingLogin> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    PendingLogins(Clock clock) {
        this.clock = clock;
    }

    /** Stores a sign-in and returns its state token (256 random bits, URL-safe). */
    String add(String requestId, String relayState) throws RequestRejected {
        purgeExpired();
        if (pending.size() >= MAX_PENDING) {
            throw new RequestRejected(Rejection.TOO_MANY_PENDING, pending.size() + " sign-ins pending");
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(token, new PendingLogin(requestId, relayState, clock.instant()));
        return token;
    }

    /** The sign-in under this token, if it exists and has not expired; it stays pending. */
    Optional<PendingLogin> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        PendingLogin login = pending.get(token);
        if (login == null) {
            return Optional.empty();
        }
        if (expired(login)) {
            pending.remove(token);
            return Optional.empty();
        }
        return Optional.of(login);
    }

    /** Removes the sign-in under this token, so that one login answers one request once. */
    boolean complete(String token) {
        return pending.remove(token) != null;
    }

    private void purgeExpired() {
        pending.values().removeIf(this::expired);
    }

    private boolean expired(PendingLogin login) {
        return !clock.instant().isBefore(login.created().plus(TIMEOUT));
    }
}
