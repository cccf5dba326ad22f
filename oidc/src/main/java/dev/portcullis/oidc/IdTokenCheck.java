package dev.portcullis.oidc;

import java.time.Instant;
import java.util.Date;

/**
 * Every rule an ID token must pass before Portcullis lets a user in, in the order they run: OpenID Connect Core
 * 1.0 section 3.1.3.7 (ID Token Validation), with RFC 8725 (JWT Best Current Practices) for the algorithm. This
 * is the one list; {@link IdTokenValidator} runs it to the first failure, and docs/SECURITY.md names it. The
 * signature is verified before any claim is read. Each step has a stable {@link #key()} and fails with one
 * {@link OidcErrorCode}.
 */
public enum IdTokenCheck {

    /** A compact JWS (not alg=none, not encrypted): {@code oidc_token_malformed}, {@code oidc_algorithm_not_allowed}. */
    PARSE("parse", "the ID token is a signed JWT") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.parse();
        }
    },
    /** alg asymmetric and advertised by the provider, never none or HMAC (RFC 8725 3.1): {@code oidc_algorithm_not_allowed}. */
    ALGORITHM("algorithm", "the signature algorithm is allowed") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkAlgorithm();
        }
    },
    /** A key of the provider's JWKS verifies it (step 6): {@code oidc_unknown_key}, {@code oidc_invalid_signature}. */
    SIGNATURE("signature", "the signature verifies with the provider's key") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.verifySignature();
        }
    },
    /** iss is exactly oidcIssuer (step 2): {@code oidc_issuer_mismatch}. */
    ISSUER("issuer", "iss is the configured issuer") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkIssuer();
        }
    },
    /** aud contains oidcClientId (step 3): {@code oidc_audience_mismatch}. */
    AUDIENCE("audience", "aud contains the client ID") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkAudience();
        }
    },
    /** azp, required with several audiences, is the client ID (steps 4-5): {@code oidc_authorized_party_mismatch}. */
    AUTHORIZED_PARTY("authorized-party", "azp, when present or needed, is the client ID") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkAuthorizedParty();
        }
    },
    /** exp present and not passed, with clockSkew (step 9): {@code oidc_expired}. */
    EXPIRY("expiry", "exp has not passed") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkExpiry(true);
        }
    },
    /** iat present and not in the future, nbf reached (step 10): {@code oidc_not_yet_valid}. */
    ISSUED_AT("issued-at", "iat and nbf are not in the future") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            token.checkIssuedAt();
        }
    },
    /**
     * nonce is the one this sign-in sent (step 11): it binds the ID token to the authorization request whose state
     * came back, so a token from another sign-in (substituted or replayed) is refused: {@code oidc_nonce_mismatch}.
     */
    NONCE("nonce", "nonce is the one the sign-in sent") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            String nonce = token.string("nonce");
            if (nonce == null || !java.security.MessageDigest.isEqual(nonce.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    expected.nonce().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                throw new OidcValidationException(OidcErrorCode.NONCE_MISMATCH, "nonce [" + nonce + "] is not the nonce"
                        + " this sign-in sent");
            }
        }
    },
    /** acr is one of those asked for, when the sign-in asked (step 12; step-up): {@code oidc_acr_mismatch}. */
    ACR("acr", "acr is one of those the sign-in asked for") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            if (expected.acrValues().isEmpty()) {
                return;
            }
            String acr = token.string("acr");
            if (acr == null || !expected.acrValues().contains(acr)) {
                throw new OidcValidationException(OidcErrorCode.ACR_MISMATCH, "acr [" + acr + "] [expected one of "
                        + expected.acrValues() + "]");
            }
        }
    },
    /**
     * With max_age sent, auth_time is present and the authentication no older than allowed (step 13), so a
     * provider that skipped the re-authentication is noticed: {@code oidc_auth_time_missing}.
     */
    AUTH_TIME("auth-time", "auth_time is present and recent when max_age was sent") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            if (expected.maxAge() == null) {
                return;
            }
            Object authTime = token.claims().getClaim("auth_time");
            if (!(authTime instanceof Number || authTime instanceof Date)) {
                throw new OidcValidationException(OidcErrorCode.AUTH_TIME_MISSING, "no auth_time although max_age ["
                        + expected.maxAge().toSeconds() + "] was sent");
            }
            Instant at = authTime instanceof Date d ? d.toInstant() : Instant.ofEpochSecond(((Number) authTime).longValue());
            Instant earliest = expected.requestedAt().minus(expected.maxAge()).minus(token.policy().clockSkew());
            if (at.isBefore(earliest)) {
                throw new OidcValidationException(OidcErrorCode.AUTH_TIME_MISSING, "auth_time [" + at + "] is before ["
                        + earliest + "] (max_age " + expected.maxAge().toSeconds() + " s)");
            }
        }
    },
    /** sub present, at most 255 characters (OIDC Core 2): {@code oidc_subject_missing}. */
    SUBJECT("subject", "sub is present") {
        @Override
        void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException {
            String sub = token.claims().getSubject();
            if (sub == null || sub.isEmpty() || sub.length() > 255) {
                throw new OidcValidationException(OidcErrorCode.SUBJECT_MISSING, "sub [" + sub + "]");
            }
        }
    };

    private final String key;
    private final String what;

    IdTokenCheck(String key, String what) {
        this.key = key;
        this.what = what;
    }

    /** The stable name of the step, as the docs name it. */
    public String key() {
        return key;
    }

    /** What the step checks, in plain words. */
    public String what() {
        return what;
    }

    abstract void check(SignedToken token, IdTokenExpectations expected) throws OidcValidationException;
}
