package dev.portcullis.oidcclient;

import java.io.Serial;

import org.pac4j.core.credentials.Credentials;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.pac4j.SignedIn;

/**
 * The authorization response at the redirect URI (code, state, iss, or an error); after validation also what the
 * ID token proved. Request-scoped: never stored, never serialized.
 */
public final class OidcCredentials extends Credentials implements SignedIn {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient String code;
    private final transient String state;
    private final transient String iss;
    private final transient String error;
    private final transient String errorDescription;
    private transient JWTClaimsSet claims;
    private transient String idToken;
    private transient String principal;
    private transient String originalUrl;
    private transient String correlationId;
    private transient boolean stepUp;

    OidcCredentials(String code, String state, String iss, String error, String errorDescription) {
        this.code = code;
        this.state = state;
        this.iss = iss;
        this.error = error;
        this.errorDescription = errorDescription;
    }

    String code() {
        return code;
    }

    String state() {
        return state;
    }

    String iss() {
        return iss;
    }

    String error() {
        return error;
    }

    String errorDescription() {
        return errorDescription;
    }

    void validated(String idToken, JWTClaimsSet claims, String principal, String originalUrl, String correlationId,
                   boolean stepUp) {
        this.idToken = idToken;
        this.claims = claims;
        this.principal = principal;
        this.originalUrl = originalUrl;
        this.correlationId = correlationId;
        this.stepUp = stepUp;
    }

    /** The ID token's verified claims. */
    JWTClaimsSet claims() {
        return claims;
    }

    /** The ID token as the provider issued it. */
    String idToken() {
        return idToken;
    }

    String principal() {
        return principal;
    }

    String correlationId() {
        return correlationId;
    }

    @Override
    public String originalUrl() {
        return originalUrl;
    }

    @Override
    public boolean stepUp() {
        return stepUp;
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
        // Never the code: it is a bearer credential until redeemed.
        return "OidcCredentials[" + (claims == null ? "unvalidated" : "validated") + "]";
    }
}
