package dev.portcullis.saml;

/** IdP metadata that cannot be used: unreadable, not SAML 2.0, ambiguous, expired or without keys. */
public final class MetadataException extends Exception {

    private static final long serialVersionUID = 1L;

    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
