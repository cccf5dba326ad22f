package dev.portcullis.oidc;

/**
 * A refused OpenID Connect message (callback, ID token, logout token): a stable {@link OidcErrorCode} and the
 * precise private reason for the log (expected vs actual in {@code [ ]}). The browser only ever sees a fixed
 * page with a correlation id; nothing of this reaches it.
 */
public final class OidcValidationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient OidcErrorCode code;

    public OidcValidationException(OidcErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public OidcErrorCode code() {
        return code;
    }

    /** The precise reason, for the log only. */
    public String detail() {
        return getMessage();
    }
}
