package dev.portcullis.oidc;

/**
 * Why an OpenID Connect sign-in or logout token was refused. Each code is written out here and never derived
 * from the constant's name: it appears in audit lines ({@code login_failure}, {@code logout_failure}), in the
 * log next to the correlation id the user sees, in the MBean's counters and in the docs, and tests assert it.
 * The description is for operators; users only ever see "Sign-in failed" and a correlation id.
 */
public enum OidcErrorCode {

    // ---- the callback (redirect URI)
    CALLBACK_MALFORMED("oidc_callback_malformed", "The redirect URI was called with another method than GET, or without"
            + " code and state (or with both a code and an error)."),
    PROVIDER_ERROR("oidc_provider_error", "The provider answered the authorization request with an error (such as"
            + " access_denied or login_required); the log names it."),
    UNKNOWN_STATE("oidc_unknown_state", "The state is no sign-in this valve started, or the sign-in took longer than"
            + " loginRequestTimeout."),
    STATE_REPLAYED("oidc_state_replayed", "This sign-in (state) was already used: a callback was replayed; refused before its code is sent to the provider."),
    ISSUER_PARAMETER_MISMATCH("oidc_issuer_parameter_mismatch", "The authorization response's iss parameter names another"
            + " provider than oidcIssuer, or is missing although the provider promises it (RFC 9207, mix-up attacks)."),
    TOKEN_REQUEST_FAILED("oidc_token_request_failed", "The token endpoint refused the code or the client (wrong"
            + " oidcClientSecret, a code used twice, a wrong redirect URI), or did not answer; the log has its answer."),
    ID_TOKEN_MISSING("oidc_id_token_missing", "The token response carries no ID token (is openid in oidcScopes?)."),
    // ---- the ID token (OpenID Connect Core 1.0 section 3.1.3.7)
    TOKEN_MALFORMED("oidc_token_malformed", "The token is not a compact JWS with a JSON claims set (an unsigned alg=none"
            + " token or an encrypted one is refused as such)."),
    ALGORITHM_NOT_ALLOWED("oidc_algorithm_not_allowed", "The token is signed with an algorithm that is not allowed:"
            + " none, any HMAC (HS256 with the public key as secret), or one the provider's discovery document does not list."),
    UNKNOWN_KEY("oidc_unknown_key", "No key of the provider's JWKS matches the token's kid and algorithm, even after"
            + " fetching the JWKS again."),
    INVALID_SIGNATURE("oidc_invalid_signature", "The token's signature does not verify with the provider's key."),
    ISSUER_MISMATCH("oidc_issuer_mismatch", "The token's iss claim is not exactly oidcIssuer."),
    AUDIENCE_MISMATCH("oidc_audience_mismatch", "The token's aud claim does not contain oidcClientId."),
    AUTHORIZED_PARTY_MISMATCH("oidc_authorized_party_mismatch", "The token has several audiences and its azp claim is"
            + " missing or not oidcClientId (or azp names another client)."),
    EXPIRED("oidc_expired", "The token's exp has passed (beyond clockSkew), or it has no exp."),
    NOT_YET_VALID("oidc_not_yet_valid", "The token's iat or nbf is in the future (beyond clockSkew), or it has no iat."),
    NONCE_MISMATCH("oidc_nonce_mismatch", "The ID token's nonce is missing or is not the one this sign-in sent."),
    ACR_MISMATCH("oidc_acr_mismatch", "The ID token's acr is missing or none of those the sign-in asked for"
            + " (stepUpAuthnContext for a step-up, else requestedAuthnContext)."),
    AUTH_TIME_MISSING("oidc_auth_time_missing", "The sign-in sent max_age (forceAuthn) and the ID token has no auth_time,"
            + " or one older than the sign-in allows."),
    SUBJECT_MISSING("oidc_subject_missing", "The ID token has no sub claim (or one over 255 characters)."),
    PRINCIPAL_MISSING("oidc_principal_missing", "The claim named by principalAttribute is missing or empty."),
    // ---- the logout token (OpenID Connect Back-Channel Logout 1.0 section 2.6)
    LOGOUT_REQUEST_MALFORMED("oidc_logout_request_malformed", "The back-channel logout request is not a POST of"
            + " application/x-www-form-urlencoded with exactly one logout_token."),
    EVENTS_MISSING("oidc_logout_events_missing", "The logout token's events claim does not contain"
            + " http://schemas.openid.net/event/backchannel-logout as a JSON object."),
    LOGOUT_SUBJECT_MISSING("oidc_logout_subject_missing", "The logout token has neither sub nor sid."),
    NONCE_PRESENT("oidc_logout_nonce_present", "The logout token carries a nonce, which logout tokens must not (an ID"
            + " token presented as a logout token)."),
    JTI_MISSING("oidc_logout_jti_missing", "The logout token has no jti, so its single use cannot be enforced."),
    LOGOUT_TOKEN_REPLAYED("oidc_logout_token_replayed", "This logout token (jti) was already used, or was issued before"
            + " the replay cache's memory begins.");

    private final String code;
    private final String description;

    OidcErrorCode(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable code, as logs, audit lines and docs name it. */
    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
