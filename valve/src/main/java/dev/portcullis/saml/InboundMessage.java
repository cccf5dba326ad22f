package dev.portcullis.saml;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SAML protocol message as it arrived, before any check: which binding carried it, the message
 * parameter (still encoded), the RelayState and, for the HTTP-Redirect binding, the raw query string
 * whose exact octets the signature covers.
 *
 * @param binding   {@link SamlConstants#REDIRECT_BINDING} or {@link SamlConstants#POST_BINDING}
 * @param parameter {@code SAMLRequest} or {@code SAMLResponse}
 * @param message   the parameter's (URL-decoded) value
 * @param relayState the RelayState, or null
 * @param rawQuery  the query string as received (Redirect binding only, else null)
 */
public record InboundMessage(String binding, String parameter, String message, String relayState, String rawQuery) {

    /**
     * Reads a Redirect-binding query string. A parameter that appears twice is refused: which one a
     * signature covers and which one is used must never differ.
     */
    public static InboundMessage fromQuery(String rawQuery) throws SamlValidationException {
        Map<String, String> raw = rawParameters(rawQuery);
        String parameter = raw.containsKey(SamlConstants.SAML_REQUEST) ? SamlConstants.SAML_REQUEST
                : raw.containsKey(SamlConstants.SAML_RESPONSE) ? SamlConstants.SAML_RESPONSE : null;
        if (parameter == null || (raw.containsKey(SamlConstants.SAML_REQUEST) && raw.containsKey(SamlConstants.SAML_RESPONSE))) {
            throw new SamlValidationException(SamlErrorCode.MISSING_RESPONSE, "the query carries no (or two) SAML messages");
        }
        String relay = raw.get(SamlConstants.RELAY_STATE);
        return new InboundMessage(SamlConstants.REDIRECT_BINDING, parameter, decode(raw.get(parameter)),
                relay == null ? null : decode(relay), rawQuery);
    }

    /** The query's parameters, raw (still percent-encoded); duplicates refused. */
    static Map<String, String> rawParameters(String rawQuery) throws SamlValidationException {
        Map<String, String> raw = new LinkedHashMap<>();
        if (rawQuery == null) {
            return raw;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            if (raw.put(decode(name), value) != null) {
                throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "query parameter ["
                        + SecureXml.truncate(name) + "] appears twice");
            }
        }
        return raw;
    }

    private static String decode(String value) throws SamlValidationException {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "a query parameter is not URL-encoded");
        }
    }

    public boolean isRedirect() {
        return SamlConstants.REDIRECT_BINDING.equals(binding);
    }
}
