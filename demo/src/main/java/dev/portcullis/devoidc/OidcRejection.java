package dev.portcullis.devoidc;

/**
 * Why the development OIDC provider refused a request. Each reason carries the OAuth error code it is
 * answered with (RFC 6749 sections 4.1.2.1 and 5.2, OpenID Connect Core 1.0 section 3.1.2.6, RFC 6750
 * section 3.1), written out here and never derived from the constant's name, and a fixed public text; the
 * precise detail (expected against actual) goes to the log only, and no input is ever echoed back.
 */
public enum OidcRejection {
    // Authorization endpoint, shown on the provider's own page: the client or its redirect URI cannot be
    // trusted, so nothing is sent to it (RFC 6749 section 4.1.2.1).
    UNKNOWN_CLIENT("invalid_request", "The client_id is missing or not a client of this provider."),
    WRONG_REDIRECT_URI("invalid_request", "The redirect_uri is missing or not the one registered for this client."),
    REPEATED_PARAMETER("invalid_request", "A parameter of the request appears more than once."),
    UNKNOWN_LOGIN("invalid_request", "This sign-in is unknown or has expired. Start again from the application."),
    TOO_MANY_PENDING("temporarily_unavailable", "Too many sign-ins are in progress. Try again in a few minutes."),
    // Authorization endpoint, sent back to the registered redirect URI with the state.
    UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", "Only response_type=code is supported."),
    MISSING_OPENID_SCOPE("invalid_scope", "The scope must contain openid."),
    MISSING_PKCE("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256."),
    REQUEST_OBJECT("request_not_supported", "Request objects are not supported."),
    BAD_MAX_AGE("invalid_request", "max_age must be a whole number of seconds."),
    LOGIN_REQUIRED("login_required", "prompt=none, but nobody is signed in here with what the client asked for."),
    // Token endpoint.
    CLIENT_AUTHENTICATION_FAILED("invalid_client", "Client authentication failed."),
    TWO_CLIENT_AUTHENTICATIONS("invalid_request", "The client authenticated in more than one way."),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", "Only grant_type=authorization_code is supported."),
    MISSING_TOKEN_PARAMETER("invalid_request", "code, redirect_uri and code_verifier are required."),
    UNKNOWN_CODE("invalid_grant", "The authorization code is unknown, used or expired."),
    REPLAYED_CODE("invalid_grant", "The authorization code is unknown, used or expired."),
    EXPIRED_CODE("invalid_grant", "The authorization code is unknown, used or expired."),
    CODE_FOR_ANOTHER_REDIRECT_URI("invalid_grant", "The redirect_uri is not the one of the authorization request."),
    WRONG_CODE_VERIFIER("invalid_grant", "The code_verifier does not match the code_challenge."),
    // UserInfo endpoint.
    INVALID_ACCESS_TOKEN("invalid_token", "The access token is missing, unknown or expired."),
    // End-session endpoint, shown on the provider's own page.
    INVALID_ID_TOKEN_HINT("invalid_request", "The id_token_hint is not an ID token this provider issued to this client."),
    WRONG_POST_LOGOUT_REDIRECT_URI("invalid_request",
            "The post_logout_redirect_uri is not the one registered, or no client was named to check it against.");

    private final String error;
    private final String publicMessage;

    OidcRejection(String error, String publicMessage) {
        this.error = error;
        this.publicMessage = publicMessage;
    }

    /** The OAuth {@code error} value. */
    public String error() {
        return error;
    }

    /** The fixed text shown to the browser or sent as {@code error_description}. */
    public String publicMessage() {
        return publicMessage;
    }
}
