package dev.portcullis.session;

import java.time.Instant;

/**
 * A sign-in in progress, kept server-side under the random handle sent as RelayState: the ACS needs
 * no cookie to find it, so SameSite rules cannot break the login, and a RelayState can never carry a
 * URL (no open redirect, CVE-2019-3877). Single use.
 *
 * @param requestId   the AuthnRequest ID; the Response's InResponseTo must equal it
 * @param originalUrl where the user was going: a path on this server, with its query
 * @param createdAt   when the user was sent to the IdP
 * @param expiresAt   after this the handle is unknown
 * @param requiredAuthnContexts the AuthnContextClassRefs the sign-in must use (empty: any)
 */
public record PendingLogin(String requestId, String originalUrl, Instant createdAt, Instant expiresAt,
                           java.util.List<String> requiredAuthnContexts) {

    public PendingLogin {
        requiredAuthnContexts = java.util.List.copyOf(requiredAuthnContexts);
    }
}
