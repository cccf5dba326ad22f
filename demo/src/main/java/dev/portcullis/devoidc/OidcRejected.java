package dev.portcullis.devoidc;

/** A request the development OIDC provider refuses: an {@link OidcRejection} for the client, a precise detail for the log. */
public final class OidcRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final OidcRejection reason;

    public OidcRejected(OidcRejection reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public OidcRejected(OidcRejection reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public OidcRejection reason() {
        return reason;
    }
}
