package dev.portcullis.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one sign-in expects of its ID token, besides the provider-wide {@link TokenPolicy}.
 *
 * @param nonce       the nonce sent with the authorization request
 * @param acrValues   the acr values asked for (acr_values); empty when none was asked
 * @param maxAge      the max_age sent, or null
 * @param requestedAt when the authorization request was made (for max_age)
 */
public record IdTokenExpectations(String nonce, List<String> acrValues, Duration maxAge, Instant requestedAt) {

    public IdTokenExpectations {
        if (nonce == null || nonce.isEmpty()) {
            throw new IllegalArgumentException("a sign-in always sends a nonce");
        }
        acrValues = List.copyOf(acrValues);
    }
}
