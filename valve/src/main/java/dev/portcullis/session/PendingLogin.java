package dev.portcullis.session;

import java.time.Instant;

/**
 * Where a user was going when a sign-in started, kept server-side under its RelayState handle, so a
 * RelayState never carries a URL (no open redirect, CVE-2019-3877). Only a hint: the sign-in itself is
 * proven by the handle ({@link RelayStates}), so when this entry is gone (evicted by a flood of
 * unauthenticated requests, or the cache was cleared) the user still signs in and lands on
 * {@code defaultLandingPath}.
 *
 * @param originalUrl a path on this server, with its query
 * @param expiresAt   when the sign-in it belongs to can no longer finish
 */
public record PendingLogin(String originalUrl, Instant expiresAt) {
}
