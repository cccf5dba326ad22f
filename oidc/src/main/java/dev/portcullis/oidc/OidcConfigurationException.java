package dev.portcullis.oidc;

/**
 * The provider's metadata or keys cannot be used: a broken configuration (the issuer, the provider), never the
 * browser's fault. The message is the end of one sentence naming what is wrong; the add-on turns it into the
 * valve's refusal to start, naming oidcIssuer.
 */
public final class OidcConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OidcConfigurationException(String message) {
        super(message);
    }
}
