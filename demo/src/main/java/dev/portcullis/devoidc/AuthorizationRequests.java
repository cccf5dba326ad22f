package dev.portcullis.devoidc;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an authorization request (OpenID Connect Core 1.0 section 3.1.2.1) and checks it, in this
 * order:
 * <ol>
 *   <li>no parameter appears twice (RFC 6749 section 3.1) — else refused on the provider's page;</li>
 *   <li>{@code client_id} is the registered client — else refused on the page;</li>
 *   <li>{@code redirect_uri} equals the registered one exactly, character for character (RFC 9700
 *       section 4.1.3: no prefix, pattern or normalised matching) — else refused on the page, never
 *       redirected, since an unchecked redirect URI is an open redirector that leaks codes;</li>
 *   <li>{@code response_type} is {@code code};</li>
 *   <li>{@code scope} contains {@code openid};</li>
 *   <li>no {@code request} / {@code request_uri} object;</li>
 *   <li>PKCE: {@code code_challenge} of 43 base64url characters and {@code code_challenge_method=S256}
 *       (RFC 7636 section 4.3: a missing method means {@code plain}, which is refused, RFC 9700
 *       section 2.1.1);</li>
 *   <li>{@code max_age}, when present, a whole number.</li>
 * </ol>
 * Failures from step 4 on go back to the redirect URI with the error and the state. Immutable.
 */
final class AuthorizationRequests {

    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern WHITESPACE = Pattern.compile(" +");

    private final String clientId;
    private final String redirectUri;

    AuthorizationRequests(String clientId, String redirectUri) {
        this.clientId = clientId;
        this.redirectUri = redirectUri;
    }

    AuthorizationRequest read(Map<String, String[]> parameters) throws OidcRejected, AuthorizationError {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (parameter.getValue().length > 1) {
                throw new OidcRejected(OidcRejection.REPEATED_PARAMETER, "parameter [" + parameter.getKey() + "] appears "
                        + parameter.getValue().length + " times");
            }
        }
        String client = one(parameters, "client_id");
        if (!clientId.equals(client)) {
            throw new OidcRejected(OidcRejection.UNKNOWN_CLIENT, "expected client_id [" + clientId + "], got [" + client + "]");
        }
        String redirect = one(parameters, "redirect_uri");
        if (!redirectUri.equals(redirect)) {
            throw new OidcRejected(OidcRejection.WRONG_REDIRECT_URI, "expected redirect_uri [" + redirectUri + "], got ["
                    + redirect + "]");
        }
        String state = one(parameters, "state");
        String responseType = one(parameters, "response_type");
        if (!"code".equals(responseType)) {
            throw error(OidcRejection.UNSUPPORTED_RESPONSE_TYPE, "response_type [" + responseType + "]", state);
        }
        String scope = one(parameters, "scope");
        if (scope == null || !words(scope).contains("openid")) {
            throw error(OidcRejection.MISSING_OPENID_SCOPE, "scope [" + scope + "]", state);
        }
        if (parameters.containsKey("request") || parameters.containsKey("request_uri")) {
            throw error(OidcRejection.REQUEST_OBJECT, "a request or request_uri parameter", state);
        }
        String challenge = one(parameters, "code_challenge");
        String method = one(parameters, "code_challenge_method");
        if (challenge == null || !"S256".equals(method) || !S256_CHALLENGE.matcher(challenge).matches()) {
            throw error(OidcRejection.MISSING_PKCE, "code_challenge " + (challenge == null ? "absent" : "of length "
                    + challenge.length()) + ", code_challenge_method [" + method + "]", state);
        }
        Long maxAge = null;
        String maxAgeText = one(parameters, "max_age");
        if (maxAgeText != null) {
            try {
                maxAge = Long.parseLong(maxAgeText);
            } catch (NumberFormatException e) {
                maxAge = -1L;
            }
            if (maxAge < 0) {
                throw error(OidcRejection.BAD_MAX_AGE, "max_age [" + maxAgeText + "]", state);
            }
        }
        String acr = one(parameters, "acr_values");
        String prompt = one(parameters, "prompt");
        return new AuthorizationRequest(redirect, scope, state, one(parameters, "nonce"), challenge,
                acr == null ? List.of() : words(acr), prompt == null ? Set.of() : Set.copyOf(words(prompt)), maxAge);
    }

    private AuthorizationError error(OidcRejection reason, String detail, String state) {
        return new AuthorizationError(reason, detail, redirectUri, state);
    }

    private static String one(Map<String, String[]> parameters, String name) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 || values[0].isEmpty() ? null : values[0];
    }

    private static List<String> words(String text) {
        return Arrays.stream(WHITESPACE.split(text.trim())).filter(word -> !word.isEmpty()).distinct().toList();
    }
}
