package dev.portcullis.oidc;

import java.util.Map;

/**
 * Every rule a back-channel logout token must pass before it ends any session, in order: OpenID Connect
 * Back-Channel Logout 1.0 section 2.6 (Logout Token Validation), with the signature rules of ID tokens (RFC 8725).
 * Single use of the jti is the last step, taken by the caller in the replay cache once all of these passed, so
 * that only a token the provider signed can add an entry. {@link LogoutTokenValidator} runs them.
 */
public enum LogoutTokenCheck {

    PARSE("parse", "the logout token is a signed JWT") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.parse();
        }
    },
    ALGORITHM("algorithm", "the signature algorithm is allowed") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.checkAlgorithm();
        }
    },
    SIGNATURE("signature", "the signature verifies with the provider's key") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.verifySignature();
        }
    },
    ISSUER("issuer", "iss is the configured issuer") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.checkIssuer();
        }
    },
    AUDIENCE("audience", "aud contains the client ID") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.checkAudience();
        }
    },
    /** iat present and not in the future; exp, when present, not passed. */
    TIMES("times", "iat is not in the future, exp (if present) has not passed") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            token.checkIssuedAt();
            token.checkExpiry(false);
        }
    },
    /**
     * events contains the back-channel logout event as a JSON object (BCL 2.4, 2.6 step 4): what makes this a logout
     * token and not some other JWT the provider signed for this client: {@code oidc_logout_events_missing}.
     */
    EVENTS("events", "events contains the back-channel logout event") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            Object events = token.claims().getClaim("events");
            if (!(events instanceof Map<?, ?> map) || !(map.get(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT) instanceof Map)) {
                throw new OidcValidationException(OidcErrorCode.EVENTS_MISSING, "events [" + events + "] [expected a member "
                        + LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT + " with a JSON object]");
            }
        }
    },
    /** sub or sid present (BCL 2.6 step 5): {@code oidc_logout_subject_missing}. */
    SUBJECT("subject", "sub or sid is present") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            if (token.claims().getSubject() == null && token.string("sid") == null) {
                throw new OidcValidationException(OidcErrorCode.LOGOUT_SUBJECT_MISSING, "neither sub nor sid");
            }
        }
    },
    /**
     * No nonce (BCL 2.6 step 6): forbidden in logout tokens precisely so that an ID token, which always has one,
     * can never be replayed as a logout token: {@code oidc_logout_nonce_present}.
     */
    NO_NONCE("no-nonce", "there is no nonce") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            if (token.claims().getClaim("nonce") != null) {
                throw new OidcValidationException(OidcErrorCode.NONCE_PRESENT, "the token has a nonce claim");
            }
        }
    },
    /** jti present, so that single use can be enforced (BCL 2.6 step 7): {@code oidc_logout_jti_missing}. */
    JTI("jti", "jti is present") {
        @Override
        void check(SignedToken token) throws OidcValidationException {
            String jti = token.claims().getJWTID();
            if (jti == null || jti.isEmpty() || jti.length() > 256) {
                throw new OidcValidationException(OidcErrorCode.JTI_MISSING, "jti [" + jti + "]");
            }
        }
    };

    private final String key;
    private final String what;

    LogoutTokenCheck(String key, String what) {
        this.key = key;
        this.what = what;
    }

    public String key() {
        return key;
    }

    public String what() {
        return what;
    }

    abstract void check(SignedToken token) throws OidcValidationException;
}
