package dev.portcullis.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Runs {@link IdTokenCheck} in order, to the first failure, and returns the verified claims. Thread-safe.
 */
public final class IdTokenValidator {

    private final TokenPolicy policy;

    public IdTokenValidator(TokenPolicy policy) {
        this.policy = policy;
    }

    public TokenPolicy policy() {
        return policy;
    }

    /**
     * @param idToken  the ID token as the token endpoint returned it (compact serialization)
     * @param expected what this sign-in sent (nonce, acr_values, max_age)
     * @return the claims, verified
     * @throws OidcValidationException with the code of the first step that failed
     */
    public JWTClaimsSet validate(String idToken, IdTokenExpectations expected) throws OidcValidationException {
        SignedToken token = new SignedToken(idToken, policy);
        for (IdTokenCheck check : IdTokenCheck.values()) {
            check.check(token, expected);
        }
        return token.claims();
    }
}
