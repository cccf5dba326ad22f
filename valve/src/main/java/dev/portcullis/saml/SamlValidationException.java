package dev.portcullis.saml;

/**
 * A SAML message was refused. Carries a stable {@link SamlErrorCode} and a precise private detail
 * (expected vs actual, in brackets) for the log. Neither is ever shown to the browser, which sees
 * only {@link #PUBLIC_MESSAGE} and a correlation id; the detail never contains message XML.
 */
public final class SamlValidationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The only text a browser ever sees about a refused message. */
    public static final String PUBLIC_MESSAGE = "Sign-in failed";

    private final SamlErrorCode code;

    public SamlValidationException(SamlErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public SamlValidationException(SamlErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = code;
    }

    public SamlErrorCode code() {
        return code;
    }

    /** The private detail, for the log only. */
    public String detail() {
        return getMessage();
    }

    @Override
    public String toString() {
        return code.code() + ": " + getMessage();
    }
}
