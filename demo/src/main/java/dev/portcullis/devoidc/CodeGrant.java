package dev.portcullis.devoidc;

import java.time.Instant;

/**
 * What an authorization code stands for: the request it answers (client, redirect URI, PKCE challenge,
 * nonce) and the sign-in (user, session id, auth_time, acr). Immutable.
 */
record CodeGrant(AuthorizationRequest request, OpSession session, Instant issued) {
}
