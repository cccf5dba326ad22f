package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.credentials.Credentials;

import dev.portcullis.saml.ValidatedAssertion;

/**
 * A SAMLResponse posted to the ACS; after validation it also carries what the response proved.
 * Request-scoped: it is never stored, and so never serialized.
 */
public final class SamlCredentials extends Credentials implements SignedIn {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient String samlResponse;
    private final transient String relayState;
    private transient ValidatedAssertion assertion;
    private transient String originalUrl;
    private transient String correlationId;
    private transient boolean stepUp;

    public SamlCredentials(String samlResponse, String relayState) {
        this.samlResponse = samlResponse;
        this.relayState = relayState;
    }

    public String samlResponse() {
        return samlResponse;
    }

    /** The RelayState field, or null. */
    public String relayState() {
        return relayState;
    }

    void validated(ValidatedAssertion assertion, String originalUrl, String correlationId, boolean stepUp) {
        this.assertion = assertion;
        this.originalUrl = originalUrl;
        this.correlationId = correlationId;
        this.stepUp = stepUp;
    }

    /** Whether this sign-in answered a step-up request (its RelayState handle's purpose). */
    @Override
    public boolean stepUp() {
        return stepUp;
    }

    public ValidatedAssertion assertion() {
        return assertion;
    }

    /**
     * Where the user was going when the sign-in started, or null: an IdP-initiated sign-in, or the
     * remembered URL is gone.
     */
    @Override
    public String originalUrl() {
        return originalUrl;
    }

    public String correlationId() {
        return correlationId;
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        // Never the response itself: it is a bearer credential.
        return "SamlCredentials[" + (assertion == null ? "unvalidated" : "validated") + "]";
    }
}
