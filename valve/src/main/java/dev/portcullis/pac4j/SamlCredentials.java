package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.credentials.Credentials;

import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.PendingLogin;

/**
 * A SAMLResponse posted to the ACS; after validation it also carries what the response proved.
 * Request-scoped: it is never stored, and so never serialized.
 */
public final class SamlCredentials extends Credentials {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient String samlResponse;
    private final transient String relayState;
    private transient ValidatedAssertion assertion;
    private transient PendingLogin pendingLogin;
    private transient String correlationId;

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

    void validated(ValidatedAssertion assertion, PendingLogin pendingLogin, String correlationId) {
        this.assertion = assertion;
        this.pendingLogin = pendingLogin;
        this.correlationId = correlationId;
    }

    public ValidatedAssertion assertion() {
        return assertion;
    }

    /** The sign-in this response completes, or null for an IdP-initiated one. */
    public PendingLogin pendingLogin() {
        return pendingLogin;
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
