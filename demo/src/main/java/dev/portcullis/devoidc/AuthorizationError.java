package dev.portcullis.devoidc;

/**
 * An authorization request refused after its client and redirect URI were found trustworthy: the
 * browser goes back to that redirect URI with {@code error} and the client's {@code state}
 * (RFC 6749 section 4.1.2.1).
 */
final class AuthorizationError extends Exception {

    private static final long serialVersionUID = 1L;

    private final OidcRejection reason;
    private final String redirectUri;
    private final String state;

    AuthorizationError(OidcRejection reason, String detail, String redirectUri, String state) {
        super(detail);
        this.reason = reason;
        this.redirectUri = redirectUri;
        this.state = state;
    }

    OidcRejection reason() {
        return reason;
    }

    String redirectUri() {
        return redirectUri;
    }

    /** The client's state, or null. */
    String state() {
        return state;
    }
}
