package dev.portcullis.devoidc;

import java.util.List;
import java.util.Set;

/**
 * An authorization request that passed every check of {@link AuthorizationRequests}. Immutable.
 *
 * @param redirectUri   the registered redirect URI (equal to the one sent)
 * @param scope         the scope as sent; contains openid
 * @param state         echoed to the client; null when it sent none
 * @param nonce         copied into the ID token; null when the client sent none
 * @param codeChallenge the PKCE S256 challenge (RFC 7636 section 4.2)
 * @param acrValues     the acr values asked for, in order of preference; empty when none
 * @param prompt        the prompt values (login, none, ...)
 * @param maxAge        max_age in seconds, or null
 */
record AuthorizationRequest(String redirectUri, String scope, String state, String nonce, String codeChallenge,
                            List<String> acrValues, Set<String> prompt, Long maxAge) {
}
