package dev.portcullis.devidp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SAML parameters of an HTTP-Redirect binding query string, kept exactly as received (still
 * URL-encoded), because the signature covers those octets and not a re-encoding of the decoded values
 * (saml-bindings-2.0-os 3.4.4.1). Immutable.
 *
 * @param parameter  which message the query carries: {@value #SAML_REQUEST} or {@value #SAML_RESPONSE}
 * @param message    raw value of that parameter
 * @param relayState raw value of {@code RelayState}, or null when the parameter is absent
 * @param sigAlg     raw value of {@code SigAlg}, or null
 * @param signature  raw value of {@code Signature}, or null
 */
record RedirectQuery(String parameter, String message, String relayState, String sigAlg, String signature) {

    static final String SAML_REQUEST = "SAMLRequest";
    static final String SAML_RESPONSE = "SAMLResponse";
    private static final String RELAY_STATE = "RelayState";
    private static final String SIG_ALG = "SigAlg";
    private static final String SIGNATURE = "Signature";

    /**
     * Splits a raw query string. A SAML parameter given twice is refused, and so is a query carrying
     * both a SAMLRequest and a SAMLResponse: which copy a signature checker and a message reader pick
     * could differ (HTTP parameter pollution).
     */
    static RedirectQuery parse(String rawQuery) throws RequestRejected {
        if (rawQuery == null || rawQuery.isEmpty()) {
            throw new RequestRejected(Rejection.MISSING_REQUEST, "no query string");
        }
        Map<String, String> saml = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            if (SAML_REQUEST.equals(name) || SAML_RESPONSE.equals(name) || RELAY_STATE.equals(name)
                    || SIG_ALG.equals(name) || SIGNATURE.equals(name)) {
                if (saml.putIfAbsent(name, value) != null) {
                    throw new RequestRejected(Rejection.MALFORMED_REQUEST, "parameter " + name + " appears twice");
                }
            }
        }
        boolean request = saml.get(SAML_REQUEST) != null && !saml.get(SAML_REQUEST).isEmpty();
        boolean response = saml.get(SAML_RESPONSE) != null && !saml.get(SAML_RESPONSE).isEmpty();
        if (request && response) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "both a SAMLRequest and a SAMLResponse");
        }
        if (!request && !response) {
            throw new RequestRejected(Rejection.MISSING_REQUEST, "no SAMLRequest or SAMLResponse parameter");
        }
        String parameter = request ? SAML_REQUEST : SAML_RESPONSE;
        return new RedirectQuery(parameter, saml.get(parameter), saml.get(RELAY_STATE), saml.get(SIG_ALG),
                saml.get(SIGNATURE));
    }

    boolean signed() {
        return sigAlg != null || signature != null;
    }

    boolean carriesRequest() {
        return SAML_REQUEST.equals(parameter);
    }

    /** The octets the signature covers: the message, RelayState (when present) and SigAlg, as received, in that order. */
    byte[] signedOctets() {
        StringBuilder octets = new StringBuilder(parameter).append('=').append(message);
        if (relayState != null) {
            octets.append('&').append(RELAY_STATE).append('=').append(relayState);
        }
        octets.append('&').append(SIG_ALG).append('=').append(sigAlg);
        return octets.toString().getBytes(StandardCharsets.UTF_8);
    }

    String decodedMessage() throws RequestRejected {
        return decode(message);
    }

    String decodedRelayState() throws RequestRejected {
        return relayState == null ? null : decode(relayState);
    }

    String decodedSigAlg() throws RequestRejected {
        return sigAlg == null ? null : decode(sigAlg);
    }

    String decodedSignature() throws RequestRejected {
        return signature == null ? null : decode(signature);
    }

    private static String decode(String raw) throws RequestRejected {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "a query parameter is not URL-encoded correctly", e);
        }
    }
}
