package dev.portcullis.devoidc;

import java.time.Instant;

import dev.portcullis.devidp.DevUser;

/**
 * A user signed in at the provider, in one browser. Immutable.
 *
 * @param user     who
 * @param authTime when they typed their password (the ID token's auth_time)
 * @param sid      the session id every ID token and logout token of this session carries
 *                 (OpenID Connect Front-Channel Logout 1.0 section 3, Back-Channel Logout 1.0 section 2.4)
 * @param acr      the authentication context of that sign-in
 */
record OpSession(DevUser user, Instant authTime, String sid, String acr) {
}
