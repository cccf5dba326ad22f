package dev.portcullis.config;

import java.util.Locale;

/**
 * When AuthnRequests are signed ({@code signAuthnRequests}). Signing costs the server one private-key
 * operation per sign-in start, which an anonymous client can ask for as often as it likes (an RSA-2048
 * signature is about a millisecond of CPU; issue 10), and protects what the IdP, not Portcullis,
 * relies on: that a request naming this SP really comes from it. So by default ({@link #AUTO}) a request
 * is signed when the IdP's metadata asks for it ({@code WantAuthnRequestsSigned="true"}, as Keycloak's and
 * SimpleSAMLphp's do), and otherwise not: the IdP then checks the request's ACS URL against the SP
 * metadata it was given (saml-profiles-2.0-os 4.1.4.1), and Portcullis checks the answer's
 * AuthnContextClassRef itself, so an unsigned request gives an attacker nothing a signed one would
 * have withheld.
 */
public enum AuthnRequestSigning {

    /** Signed when the IdP metadata says WantAuthnRequestsSigned="true" (the default). */
    AUTO("auto"),
    /** Always signed (the operator forces it, for an IdP that checks signatures without saying so). */
    ALWAYS("true"),
    /** Never signed. */
    NEVER("false");

    private final String value;

    AuthnRequestSigning(String value) {
        this.value = value;
    }

    /** The value as written in server.xml. */
    public String value() {
        return value;
    }

    /** Whether requests to an IdP whose metadata says {@code wantAuthnRequestsSigned} are signed. */
    public boolean signsFor(boolean wantAuthnRequestsSigned) {
        return this == ALWAYS || (this == AUTO && wantAuthnRequestsSigned);
    }

    static AuthnRequestSigning parse(String setting, String text) {
        String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (AuthnRequestSigning signing : values()) {
            if (signing.value.equals(v)) {
                return signing;
            }
        }
        throw new ConfigurationException(setting, "'" + text + "' is none of auto (sign when the IdP's metadata asks),"
                + " true (always) or false (never).");
    }
}
