package dev.portcullis.devidp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IdP-initiated logouts waiting for the SP's LogoutResponse, kept on the server under the RelayState
 * sent with the LogoutRequest: the answer must name the request (InResponseTo) this record holds.
 * A record is taken once, expires after {@link #TIMEOUT}, and at most {@link #MAX_PENDING} are kept.
 * Thread-safe.
 */
final class PendingLogouts {

    /** How long the SP may take to answer. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** Most logouts in progress at once. */
    static final int MAX_PENDING = 10_000;

    /** 128 bits: 22 URL-safe characters, well within the 80 bytes a RelayState may have (saml-bindings-2.0-os 3.4.3). */
    private static final int HANDLE_BYTES = 16;

    /**
     * A logout the IdP started.
     *
     * @param requestId the LogoutRequest's ID
     * @param username  whose sessions it ends
     * @param created   when it was sent
     */
    record PendingLogout(String requestId, String username, Instant created) {
    }

    private final Map<String, PendingLogout> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    PendingLogouts(Clock clock) {
        this.clock = clock;
    }

    /** Stores a logout and returns its RelayState handle. */
    String add(String requestId, String username) throws RequestRejected {
        pending.values().removeIf(this::expired);
        if (pending.size() >= MAX_PENDING) {
            throw new RequestRejected(Rejection.TOO_MANY_PENDING, pending.size() + " logouts pending");
        }
        byte[] bytes = new byte[HANDLE_BYTES];
        random.nextBytes(bytes);
        String handle = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(handle, new PendingLogout(requestId, username, clock.instant()));
        return handle;
    }

    /** Removes and returns the logout under this handle, if it exists and has not expired. */
    Optional<PendingLogout> take(String handle) {
        PendingLogout logout = handle == null ? null : pending.remove(handle);
        return logout == null || expired(logout) ? Optional.empty() : Optional.of(logout);
    }

    private boolean expired(PendingLogout logout) {
        return !clock.instant().isBefore(logout.created().plus(TIMEOUT));
    }
}
